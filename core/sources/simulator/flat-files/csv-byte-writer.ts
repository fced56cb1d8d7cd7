/**
 * Writes CSV text straight into large Buffers, digit by digit, so a 1.8-million-row file costs no
 * per-row strings. Full chunks are handed to `emit` and never touched again.
 */
export interface CsvByteWriter {
  buf: Buffer;
  pos: number;
  /** Makes room for one more row (at most ROW_RESERVE bytes), emitting the chunk when it is full. */
  reserve(): void;
  /** Emits whatever is buffered (at the end of a file). */
  flush(): void;
}

/** Upper bound of one row's length: a 32-byte ticker and seven numbers of at most 26 bytes. */
export const ROW_RESERVE = 256;
const ZERO = 48;
const DOT = 46;

/** Creates a writer that emits chunks of about `chunkBytes`. */
export function createCsvByteWriter(chunkBytes: number, emit: (chunk: Buffer) => void): CsvByteWriter {
  const w: CsvByteWriter = {
    buf: Buffer.allocUnsafe(chunkBytes),
    pos: 0,
    reserve() {
      if (w.pos + ROW_RESERVE <= w.buf.length) return;
      emit(w.buf.subarray(0, w.pos));
      w.buf = Buffer.allocUnsafe(chunkBytes);
      w.pos = 0;
    },
    flush() {
      if (w.pos > 0) emit(w.buf.subarray(0, w.pos));
      w.buf = Buffer.allocUnsafe(0);
      w.pos = 0;
    },
  };
  return w;
}

/** Writes ASCII bytes at `pos`; returns the new position. */
export function putBytes(buf: Buffer, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i] as number;
  return pos;
}

const scratch = new Uint8Array(24);

/** Writes a non-negative integer below 2^53 in decimal; returns the new position. */
export function putUint(buf: Buffer, pos: number, value: number): number {
  if (value < 10) {
    buf[pos] = ZERO + value;
    return pos + 1;
  }
  let n = 0;
  let v = value;
  if (v < 2147483648) {
    while (v > 0) {
      const q = (v / 10) | 0;
      scratch[n++] = ZERO + v - q * 10;
      v = q;
    }
  } else {
    while (v > 0) {
      const q = Math.floor(v / 10);
      scratch[n++] = ZERO + v - q * 10;
      v = q;
    }
  }
  while (n > 0) buf[pos++] = scratch[--n] as number;
  return pos;
}

/** Writes exactly `digits` decimal digits of `value` (zero-padded); returns the new position. */
export function putPadded(buf: Buffer, pos: number, value: number, digits: number): number {
  let v = value;
  for (let i = digits - 1; i >= 0; i--) {
    const q = (v / 10) | 0;
    buf[pos + i] = ZERO + v - q * 10;
    v = q;
  }
  return pos + digits;
}

/**
 * Writes a decimal from integer units of 10^-places (e.g. ticks of 1e-4). `fixed` pads the fraction
 * to `fixed` places; otherwise trailing zeros (and a bare dot) are dropped, which is how JavaScript
 * and Polygon print 275 or 276.75.
 */
export function putDecimal(buf: Buffer, pos: number, units: number, places: number, scale: number, fixed: number): number {
  const whole = Math.floor(units / scale);
  let frac = units - whole * scale;
  pos = putUint(buf, pos, whole);
  if (fixed > 0) {
    buf[pos++] = DOT;
    pos = putPadded(buf, pos, frac, places);
    for (let i = places; i < fixed; i++) buf[pos++] = ZERO;
    return pos;
  }
  if (frac === 0) return pos;
  let digits = places;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  buf[pos++] = DOT;
  return putPadded(buf, pos, frac, digits);
}
