/**
 * Qlib's feature file: little-endian float32, element 0 the calendar index of the first value
 * (stored as a float32), then one value per calendar entry, contiguous (NaN where there is no
 * value). See shared/reference/qlib-format-and-alpha158.md, section 1.4.
 */

/** A decoded feature file. */
export interface QlibSeries {
  /** Calendar index of values[0]. */
  start: number;
  values: Float32Array;
}

/** Largest calendar index a float32 holds exactly (2^24). */
export const MAX_EXACT_INDEX = 16_777_216;

/** Encodes a series as the bytes of a `.bin` file. */
export function encodeQlibBin(start: number, values: ArrayLike<number>): Buffer {
  if (!Number.isInteger(start) || start < 0 || start > MAX_EXACT_INDEX) {
    throw new RangeError(`calendar index ${start} cannot be stored exactly in a Qlib bin (0..${MAX_EXACT_INDEX})`);
  }
  const out = new Float32Array(values.length + 1);
  out[0] = start;
  out.set(values, 1);
  const buf = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  if (!LITTLE_ENDIAN) swap32(buf);
  return buf;
}

/** Decodes the bytes of a `.bin` file; throws naming `what` when the length is not a whole number of floats. */
export function decodeQlibBin(bytes: Uint8Array, what = 'bin file'): QlibSeries {
  if (bytes.byteLength < 4 || bytes.byteLength % 4 !== 0) {
    throw new Error(`${what}: ${bytes.byteLength} bytes is not a Qlib feature file (a start index and float32 values)`);
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (!LITTLE_ENDIAN) swap32(copy);
  const all = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  const start = all[0]!;
  if (!Number.isInteger(start) || start < 0) throw new Error(`${what}: start index ${start} is not a calendar index`);
  return { start, values: all.subarray(1) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap32(buf: Uint8Array): void {
  for (let i = 0; i + 3 < buf.length; i += 4) {
    const a = buf[i]!;
    const b = buf[i + 1]!;
    buf[i] = buf[i + 3]!;
    buf[i + 1] = buf[i + 2]!;
    buf[i + 2] = b;
    buf[i + 3] = a;
  }
}
