import crypto from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { publicationInstant } from '../../../calendar/index.ts';
import { flatFileDataset, flatFileKey, type FlatFileDatasetId } from '../../../datasets/index.ts';
import type { RenderedFlatFile, SimulatedMarket } from '../simulator-types.ts';
import { flatFileAbsence, flatFileCsvChunks } from './flat-file-csv.ts';

/** zlib level of every rendered file (zlib's default); fixed so the same market gives the same bytes. */
export const FLAT_FILE_GZIP_LEVEL = 6;
/** Offset and value of the gzip header's OS byte: always "Unix", whatever platform rendered it. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;

/** Throws a clear error when a dataset has no file for a date. */
function requireFile(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): Iterable<Buffer> {
  const chunks = flatFileCsvChunks(market, datasetId, date);
  if (chunks) return chunks;
  const why = flatFileAbsence(market, datasetId, date) === 'non_trading' ? 'not a trading day' : `outside the market's range ${market.options.from}..${market.options.to} or the dataset's history`;
  throw new RangeError(`no ${datasetId} flat file for ${date}: ${why}`);
}

/** The CSV text of a dataset's file for a date (exact Polygon layout); throws when there is no such file. */
export function renderFlatFileCsv(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): Buffer {
  return Buffer.concat([...requireFile(market, datasetId, date)]);
}

/**
 * Gzip exactly as every rendered file is compressed. zlib writes mtime 0 and no file name; the OS
 * byte is pinned to Unix so macOS and Linux builds agree.
 */
export function gzipFlatFile(csv: Buffer): Buffer {
  const body = zlib.gzipSync(csv, { level: FLAT_FILE_GZIP_LEVEL });
  body[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
  return body;
}

function describe(datasetId: FlatFileDatasetId, date: string, body: Buffer): RenderedFlatFile {
  return {
    dataset: datasetId,
    date,
    key: flatFileKey(flatFileDataset(datasetId), date),
    body,
    etag: `"${crypto.createHash('md5').update(body).digest('hex')}"`,
    lastModified: publicationInstant(date),
  };
}

/**
 * A dataset's gzip file for a date as the simulated bucket serves it, or null on non-trading days,
 * outside the market's range and before the dataset's first date. Synchronous: a full-size minute
 * file blocks for seconds, so servers should prefer renderFlatFileAsync.
 */
export function renderFlatFile(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): RenderedFlatFile | null {
  if (flatFileAbsence(market, datasetId, date) !== null) return null;
  return describe(datasetId, date, gzipFlatFile(renderFlatFileCsv(market, datasetId, date)));
}

/** Pins the OS byte of a gzip stream's header as gzipFlatFile does. */
function pinGzipOsByte(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (seen <= GZIP_OS_OFFSET && seen + chunk.length > GZIP_OS_OFFSET) chunk[GZIP_OS_OFFSET - seen] = GZIP_OS_UNIX;
      seen += chunk.length;
      done(null, chunk);
    },
  });
}

/**
 * A dataset's gzip file for a date as a stream, or null when there is no such file. CSV chunks are
 * generated on the calling thread while zlib compresses earlier ones on the thread pool, and the
 * event loop runs between chunks. Same bytes as renderFlatFile.
 */
export function streamFlatFile(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string, options: { chunkBytes?: number } = {}): Readable | null {
  const chunks = flatFileCsvChunks(market, datasetId, date, options.chunkBytes);
  if (!chunks) return null;
  const source = Readable.from(chunks, { objectMode: false, highWaterMark: 2 });
  const gzip = zlib.createGzip({ level: FLAT_FILE_GZIP_LEVEL });
  const pin = pinGzipOsByte();
  source.on('error', (err) => gzip.destroy(err));
  gzip.on('error', (err) => pin.destroy(err));
  return source.pipe(gzip).pipe(pin);
}

/** renderFlatFile without blocking the event loop for the whole render (see streamFlatFile). */
export async function renderFlatFileAsync(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): Promise<RenderedFlatFile | null> {
  const stream = streamFlatFile(market, datasetId, date);
  if (!stream) return null;
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return describe(datasetId, date, Buffer.concat(parts));
}
