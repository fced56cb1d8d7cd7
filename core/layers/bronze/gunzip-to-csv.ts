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
        const found = head.subarray(0, nl < 0 ? Math.min(head.length, 200) : nl).toString('utf8').replace(/\r$/, '');
        head = null;
        if (found !== expectedHeader) {
          return cb(new UnreadableFileError('wrong_header', `wrong header: expected "${expectedHeader}" but found "${found}"`));
        }
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (head !== null) {
        const found = head.toString('utf8').replace(/\r?\n?$/, '');
        if (csvBytes === 0) return cb(new UnreadableFileError('empty', 'the file is empty (no header line)'));
        if (found !== expectedHeader) return cb(new UnreadableFileError('wrong_header', `wrong header: expected "${expectedHeader}" but found "${found}"`));
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
