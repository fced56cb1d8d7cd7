import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

/** Why a landing file could not be read at all (the day fails; nothing reaches bronze). */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
  constructor(
    readonly kind: 'corrupt_gzip' | 'wrong_header' | 'empty',
    message: string,
  ) {
    super(message);
  }
}

/** A line from a file as it may be quoted in a message: control bytes escaped, never echoed raw. */
export function printable(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  // Control characters are exactly what this must find, hence the rule exception.
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Why a header is not the expected one, in words a person can act on. */
function headerProblem(found: Buffer, expectedHeader: string): string | null {
  if (found.subarray(0, 3).equals(UTF8_BOM)) {
    const rest = found.subarray(3).toString('utf8').replace(/\r$/, '');
    return `the file starts with a UTF-8 byte-order mark (bytes EF BB BF) before its header${rest === expectedHeader ? '' : ` "${printable(rest)}"`}; flat files have none`;
  }
  const text = found.toString('utf8').replace(/\r$/, '');
  if (text === expectedHeader) return null;
  return `wrong header: expected "${expectedHeader}" but found "${printable(text)}"`;
}

/** Sizes and checksum of a file that was gunzipped and header-checked. */
export interface GunzipResult {
  gzBytes: number;
  csvBytes: number;
  /** sha256 hex of the compressed bytes (the landing file as it is on disk). */
  sha256: string;
}

/**
 * Gunzips `src` into `dst` with Node's zlib (which, unlike DuckDB's reader, rejects truncated
 * streams and bad CRCs), checking the header as soon as the first line is out (a wrong file stops
 * after its first chunk) and hashing the compressed bytes on the way. Streams throughout.
 */
export async function gunzipCheckedCsv(
  src: string,
  dst: string,
  expectedHeader: string,
  opts: { signal?: AbortSignal; onBytes?: (gzBytesRead: number) => void } = {},
): Promise<GunzipResult> {
  const hash = crypto.createHash('sha256');
  let gzBytes = 0;
  let csvBytes = 0;
  let head: Buffer | null = Buffer.alloc(0);
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      gzBytes += chunk.length;
      hash.update(chunk);
      opts.onBytes?.(gzBytes);
      cb(null, chunk);
    },
  });
  const headerCheck = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      csvBytes += chunk.length;
      if (head) {
        head = Buffer.concat([head, chunk]);
        const nl = head.indexOf(10);
        if (nl < 0 && head.length < 65_536) return cb(null, chunk);
        const problem = headerProblem(head.subarray(0, nl < 0 ? Math.min(head.length, 200) : nl), expectedHeader);
        head = null;
        if (problem) return cb(new UnreadableFileError('wrong_header', problem));
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (head !== null) {
        if (csvBytes === 0) return cb(new UnreadableFileError('empty', 'the file is empty (no header line)'));
        const problem = headerProblem(head.subarray(0, head.length - (head.at(-1) === 10 ? 1 : 0)), expectedHeader);
        if (problem) return cb(new UnreadableFileError('wrong_header', problem));
      }
      cb();
    },
  });
  await fs.promises.mkdir(path.dirname(dst), { recursive: true });
  try {
    await pipeline(
      fs.createReadStream(src, { highWaterMark: 1 << 20 }),
      hashing,
      zlib.createGunzip({ chunkSize: 1 << 20 }),
      headerCheck,
      fs.createWriteStream(dst),
      opts.signal ? { signal: opts.signal } : {},
    );
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /incorrect header check|unexpected end of file|invalid|unknown compression/i.test((err as Error).message)) {
      throw new UnreadableFileError('corrupt_gzip', `corrupt gzip: ${(err as Error).message}`);
    }
    throw err;
  }
  return { gzBytes, csvBytes, sha256: hash.digest('hex') };
}
