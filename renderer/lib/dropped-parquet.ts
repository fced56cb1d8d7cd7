/**
 * A Parquet file dropped on the Lake page, decoded in the renderer with parquet-wasm: the backend
 * never sees its path (it may be anywhere on the disk, outside the lake), and the file is read by
 * `File.slice` ranges only: the 8-byte tail, the footer, and the column chunks of the row group shown.
 * Before anything is decoded the sizes the footer promises are checked against the page's memory
 * budget, so a huge footer or row group is refused with a sentence instead of freezing the tab.
 */
import { tableFromIPC } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm/esm';
import { decodeArrow, type DecodedTable } from './arrow-table.ts';

/** What one dropped file may cost the page: bytes of footer, and decoded bytes of the row group shown. */
export const DROP_MEMORY_BUDGET = 256 * 1024 * 1024;
/** Rows shown from the first row group. */
export const DROP_PREVIEW_ROWS = 100;

/** One row group as the footer describes it. */
export interface DroppedRowGroup {
  index: number;
  rows: number;
  compressedBytes: number;
  uncompressedBytes: number;
  compression: string;
}

/** What the page shows for a dropped file. */
export interface DroppedParquet {
  name: string;
  sizeBytes: number;
  rows: number;
  createdBy: string | null;
  schema: Array<{ name: string; type: string; nullable: boolean }>;
  rowGroups: DroppedRowGroup[];
  /** The first rows of row group 0, or null when it is over the budget (`tooLarge` says so). */
  preview: DecodedTable | null;
  tooLarge: string | null;
  /** Bytes actually read from the file (every slice the reader asked for). */
  bytesRead: number;
}

/** A file that cannot be shown: not Parquet, or over the budget before anything could be shown. */
export class DroppedFileError extends Error {
  override name = 'DroppedFileError';
}

type Wasm = typeof ParquetWasm;
let wasm: Promise<Wasm> | null = null;

/** parquet-wasm, fetched and compiled on first use (the Lake page's chunk does not carry 5 MB of wasm). */
function loadWasm(): Promise<Wasm> {
  wasm ??= Promise.all([import('parquet-wasm/esm'), import('parquet-wasm/esm/parquet_wasm_bg.wasm?url')]).then(async ([mod, url]) => {
    await mod.default({ module_or_path: url.default });
    return mod;
  });
  return wasm;
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** Reads the footer length from the file's last 8 bytes (little-endian length, then "PAR1"). */
async function footerLength(file: Blob, name: string): Promise<number> {
  if (file.size < 12) throw new DroppedFileError(`${name} is ${file.size} bytes: too short to be a Parquet file`);
  const tail = new DataView(await file.slice(file.size - 8).arrayBuffer());
  const magic = String.fromCharCode(tail.getUint8(4), tail.getUint8(5), tail.getUint8(6), tail.getUint8(7));
  if (magic !== 'PAR1') throw new DroppedFileError(`${name} is not a Parquet file (it does not end with PAR1)`);
  return tail.getUint32(0, true);
}

/** Decodes the footer and the first rows of a dropped file within `budget` bytes. */
export async function readDroppedParquet(
  file: File, budget = DROP_MEMORY_BUDGET, previewRows = DROP_PREVIEW_ROWS,
): Promise<DroppedParquet> {
  let bytesRead = 0;
  // Count every range the reader asks for: the proof that only the footer and one row group are read.
  const counted = file as File & { slice: Blob['slice'] };
  const slice = Blob.prototype.slice;
  counted.slice = function (start?: number, end?: number, type?: string) {
    const s = Math.max(0, start ?? 0);
    const e = Math.min(file.size, end ?? file.size);
    bytesRead += Math.max(0, e - s);
    return slice.call(file, start, end, type);
  };
  const footer = await footerLength(counted, file.name);
  if (footer + 8 > budget) {
    throw new DroppedFileError(
      `${file.name}'s footer is ${MiB(footer)}, over this page's ${MiB(budget)} memory budget: open it with SQL instead`,
    );
  }
  const { ParquetFile, Compression } = await loadWasm();
  const pf = await ParquetFile.fromFile(counted);
  try {
    const meta = pf.metadata();
    const fileMeta = meta.fileMetadata();
    const rowGroups: DroppedRowGroup[] = meta.rowGroups().map((rg, index) => {
      const codecName = Compression as unknown as Record<number, string>;
      const codecs = new Set(rg.columns().map((c) => codecName[c.compression()] ?? String(c.compression())));
      return {
        index, rows: rg.numRows(), compressedBytes: rg.compressedSize(), uncompressedBytes: rg.totalByteSize(),
        compression: [...codecs].join(', '),
      };
    });
    const schemaTable = tableFromIPC(pf.schema().intoIPCStream());
    const schema = schemaTable.schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
    const first = rowGroups[0];
    let preview: DecodedTable | null = null;
    let tooLarge: string | null = null;
    if (first && Math.max(first.uncompressedBytes, first.compressedBytes) > budget) {
      tooLarge = `The first row group is ${MiB(first.uncompressedBytes)} decoded, over this page's ${MiB(budget)} memory budget, `
        + 'so its rows are not read here.';
    } else if (first) {
      const table = await pf.read({ rowGroups: [0], limit: previewRows });
      preview = decodeArrow(table.intoIPCStream());
    }
    return {
      name: file.name, sizeBytes: file.size, rows: fileMeta.numRows(), createdBy: fileMeta.createdBy() ?? null,
      schema, rowGroups, preview, tooLarge, bytesRead,
    };
  } finally {
    pf.free();
  }
}
