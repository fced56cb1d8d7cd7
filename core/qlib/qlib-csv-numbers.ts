/**
 * How pandas 1.5's C parser (the one Qlib's dump_bin.py reads CSVs with) turns one CSV cell into a
 * number, reproduced bit for bit so that our float32 values equal Qlib's. Facts from pandas'
 * tokenizer.c and parsers.pyx: the default float converter accumulates at most 17 significant digits
 * in a double and scales once by a power of ten (exact for the usual <= 15 digits, not always
 * correctly rounded beyond that); integers are int64; a fixed set of strings means "missing";
 * True/False words make a bool column; a column with anything else becomes Python strings, which
 * numpy's astype then converts with Python's float().
 */

/** What a cell is, as pandas would type it. */
export const enum CellKind {
  /** One of pandas' default missing-value strings (an empty cell among them). */
  Na = 0,
  /** An integer literal (optional sign and whitespace): an int64 column when every cell is one. */
  Int = 1,
  /** A number the float converter accepts (including inf words). */
  Float = 2,
  True = 3,
  False = 4,
  /** Anything else: the column becomes strings. */
  Other = 5,
}

/** The parsed value of the last classified cell (valid for Int and Float). */
export const cellResult = { value: 0, digits: 0, isInt: false, end: 0 };

/** pandas 1.5's default na_values (pandas 2 adds 'None'). */
const NA_STRINGS = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL',
  'NaN', 'n/a', 'nan', 'null',
]);
const TRUE_STRINGS = new Set(['True', 'TRUE', 'true']);
const FALSE_STRINGS = new Set(['False', 'FALSE', 'false']);
/** Compared case-insensitively, with no surrounding whitespace, as parsers.pyx does after the converter fails. */
const POS_INF = new Set(['inf', '+inf', 'infinity', '+infinity']);
const NEG_INF = new Set(['-inf', '-infinity']);

/** 10^0 .. 10^308 as the C compiler rounds those literals (JavaScript's literal rounding is the same). */
const POW10: number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));
const MAX_DIGITS = 17;

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * pandas' `precise_xstrtod` over bytes [s, e): returns the double, or NaN when the text is not a whole
 * number (NaN is never a successful result of this converter). Sets cellResult.digits, and
 * cellResult.isInt when the text had neither a decimal point nor an exponent (pandas' int64 syntax).
 */
export function xstrtod(buf: Uint8Array, s: number, e: number): number {
  const v = scanNumber(buf, s, e);
  return cellResult.end === e ? v : Number.NaN;
}

/**
 * The converter's scan from `s`, stopping at the first byte it cannot use (at most `e`): returns the
 * value (NaN when there were no digits or it is out of range) and leaves in cellResult.end where it
 * stopped, after trailing whitespace. A CSV reader calls it on the rest of a line and checks that
 * the scan stopped at a comma.
 */
export function scanNumber(buf: Uint8Array, s: number, e: number): number {
  let p = s;
  while (p < e && isSpace(buf[p]!)) p++;
  let negative = false;
  if (p < e && (buf[p] === 45 || buf[p] === 43)) {
    negative = buf[p] === 45;
    p++;
  }
  let number = 0;
  let exponent = 0;
  let digits = 0;
  let isInt = true;
  while (p < e && isDigit(buf[p]!)) {
    if (digits < MAX_DIGITS) {
      number = number * 10 + (buf[p]! - 48);
      digits++;
    } else {
      exponent++;
    }
    p++;
  }
  if (p < e && buf[p] === 46) {
    isInt = false;
    p++;
    let decimals = 0;
    while (digits < MAX_DIGITS && p < e && isDigit(buf[p]!)) {
      number = number * 10 + (buf[p]! - 48);
      p++;
      digits++;
      decimals++;
    }
    if (digits >= MAX_DIGITS) while (p < e && isDigit(buf[p]!)) p++;
    exponent -= decimals;
  }
  cellResult.digits = digits;
  cellResult.end = -1;
  if (digits === 0) return Number.NaN;
  if (negative) number = -number;
  if (p < e && (buf[p] === 69 || buf[p] === 101)) {
    isInt = false;
    const ePos = p;
    p++;
    let negExp = false;
    if (p < e && (buf[p] === 45 || buf[p] === 43)) {
      negExp = buf[p] === 45;
      p++;
    }
    let n = 0;
    let expDigits = 0;
    while (expDigits < MAX_DIGITS && p < e && isDigit(buf[p]!)) {
      n = n * 10 + (buf[p]! - 48);
      expDigits++;
      p++;
    }
    exponent += negExp ? -n : n;
    // No digits after the 'e': the converter gives the 'e' back, so the text does not end where it should.
    if (expDigits === 0) p = ePos;
  }
  // Out of range: the converter reports an error and the cell is not a number for pandas.
  if (exponent > 308) return Number.NaN;
  if (exponent > 0) number *= POW10[exponent]!;
  else if (exponent < -308) number = exponent < -616 ? 0 : number / POW10[-308 - exponent]! / POW10[308]!;
  else number /= POW10[-exponent]!;
  if (number === Infinity || number === -Infinity) return Number.NaN;
  while (p < e && isSpace(buf[p]!)) p++;
  cellResult.isInt = isInt;
  cellResult.end = p;
  return number;
}

/**
 * scanNumber for the cell a CSV writer usually emits, `[-]digits[.digits]` with at most 17 digits
 * running up to a comma or `e`: the same arithmetic as scanNumber (so the same double), without its
 * whitespace, sign and exponent branches. Returns NaN (cellResult.end = -1) for anything else, which
 * the caller then gives to scanNumber.
 */
export function scanPlainNumber(buf: Uint8Array, s: number, e: number): number {
  let p = s;
  const negative = p < e && buf[p] === 45;
  if (negative) p++;
  let number = 0;
  let digits = 0;
  let c = 0;
  while (p < e && (c = buf[p]!) >= 48 && c <= 57) {
    number = number * 10 + (c - 48);
    digits++;
    p++;
  }
  let decimals = 0;
  const isInt = p === e || c !== 46;
  if (!isInt) {
    p++;
    while (p < e && (c = buf[p]!) >= 48 && c <= 57) {
      number = number * 10 + (c - 48);
      decimals++;
      p++;
    }
  }
  if (digits + decimals === 0 || digits + decimals > MAX_DIGITS || (p < e && buf[p] !== 44)) {
    cellResult.end = -1;
    return Number.NaN;
  }
  if (negative) number = -number;
  cellResult.isInt = isInt;
  cellResult.end = p;
  return number / POW10[decimals]!;
}

const latin1 = (buf: Uint8Array, s: number, e: number) => Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');

/** Classifies one cell's bytes [s, e) as pandas would and leaves its value in cellResult. */
export function classifyCell(buf: Uint8Array, s: number, e: number): CellKind {
  const v = xstrtod(buf, s, e);
  if (!Number.isNaN(v)) {
    cellResult.value = v;
    return cellResult.isInt ? CellKind.Int : CellKind.Float;
  }
  if (e - s > 12) return CellKind.Other;
  const text = latin1(buf, s, e);
  if (NA_STRINGS.has(text)) return CellKind.Na;
  const lower = text.toLowerCase();
  if (POS_INF.has(lower)) {
    cellResult.value = Infinity;
    return CellKind.Float;
  }
  if (NEG_INF.has(lower)) {
    cellResult.value = -Infinity;
    return CellKind.Float;
  }
  if (TRUE_STRINGS.has(text)) return CellKind.True;
  if (FALSE_STRINGS.has(text)) return CellKind.False;
  return CellKind.Other;
}

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Python's float() of a string (what numpy's astype does to a string column): surrounding whitespace
 * stripped, underscores between digits, inf/infinity/nan in any case, correctly rounded. Returns
 * null when Python would raise ValueError.
 */
export function pythonFloat(text: string): number | null {
  const t = text.trim();
  if (PY_SPECIAL.test(t)) {
    const neg = t.startsWith('-');
    // CPython keeps the sign of "-nan", and numpy's cast to float32 keeps it too.
    if (/nan$/i.test(t)) return neg ? -Number.NaN : Number.NaN;
    return neg ? -Infinity : Infinity;
  }
  if (!PY_FLOAT.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/**
 * A decimal integer (int64 or uint64 range) rounded once to float32, as numpy casts an integer
 * array: exact for |n| <= 2^24, round-to-nearest-even beyond. `viaDouble` rounds to float64 first,
 * which is what happens when reindexing gave the column NaN gaps (int64 -> float64 -> float32).
 */
export function integerToFloat32(n: bigint, viaDouble: boolean): number {
  if (viaDouble) return Math.fround(Number(n));
  const neg = n < 0n;
  let m = neg ? -n : n;
  const bits = m.toString(2).length;
  if (bits > 24) {
    const shift = BigInt(bits - 24);
    const rem = m & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    let top = m >> shift;
    if (rem > half || (rem === half && (top & 1n) === 1n)) top += 1n;
    m = top << shift;
  }
  const v = Number(m);
  return neg ? -v : v;
}
