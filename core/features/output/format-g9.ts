/**
 * C's `printf("%.9g")` (which is also Python's `'%.9g' %`) for float32 values: nine significant
 * digits, correctly rounded with ties to even on the exact binary value, fixed notation when the
 * decimal exponent is in [-4, 9), otherwise d.dddde±XX; trailing zeros and a bare point removed.
 * Nine digits identify every float32 exactly, so the text round-trips.
 *
 * JavaScript's toExponential rounds exact ties away from zero, so ties are detected (a float32 whose
 * exact decimal expansion has exactly ten significant digits, the tenth being 5) and rounded with
 * BigInt arithmetic; everything else takes the fast path.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Formats a number (taken as float32) like C's %.9g; NaN gives `nan`, infinities `inf` / `-inf`. */
export function formatG9(value: number): string {
  const v = Math.fround(value);
  if (v !== v) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const negative = v < 0;
  const a = negative ? -v : v;
  const fast = fastDigits(a);
  if (fast) return (negative ? '-' : '') + fast;
  const tie = exactTieDigits(a);
  let digits: string;
  let exp: number;
  if (tie) {
    ({ digits, exp } = tie);
  } else {
    const s = a.toExponential(8);
    const e = s.indexOf('e');
    digits = s[0]! + s.slice(2, e);
    exp = Number(s.slice(e + 1));
  }
  return (negative ? '-' : '') + layout(digits, exp);
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/**
 * The common case, 1e-14 <= a < 1e9: the nine digits are round(a * 10^p) for p = 8 - floor(log10 a).
 * a has at most 24 significant bits and 10^p is an exact double, so splitting 10^p in two halves
 * gives the product exactly as hi + lo, and the rounding (ties to even) is decided exactly.
 */
function fastDigits(a: number): string | null {
  if (a < 1e-14 || a >= 1e9) return null;
  let x = Math.floor(Math.log10(a));
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = 8 - x;
    if (p < 0 || p > 22) return null;
    const pw = POW10[p]!;
    const c = SPLIT * pw;
    const ph = c - (c - pw);
    const pl = pw - ph;
    const h1 = a * ph; // exact: 24 + 26 bits
    const h2 = a * pl; // exact: 24 + 27 bits
    const hi = h1 + h2;
    const lo = h2 - (hi - h1); // TwoSum (|h1| >= |h2|): hi + lo is the exact product
    let n = Math.floor(hi);
    if (hi - n + lo < 0) n -= 1; // hi rounded up onto an integer: the exact floor is one less
    const t = hi - n - 0.5 + lo; // sign of (exact fraction - 1/2); hi - n is exact
    if (t > 0 || (t === 0 && n % 2 === 1)) n += 1;
    if (n >= 1e9) {
      if (n === 1e9 && attempt > 0) return place(100000000, x + 1);
      x += 1;
      continue;
    }
    if (n < 1e8) {
      x -= 1;
      continue;
    }
    return place(n, x);
  }
  return null;
}

/** Lays out the 9-digit integer n (as d.dddddddd x 10^x) in %g form. */
function place(n: number, x: number): string {
  while (n % 10 === 0) n /= 10;
  const digits = String(n);
  if (x < -4 || x >= 9) return layout(digits, x);
  if (x < 0) return `0.${'0'.repeat(-x - 1)}${digits}`;
  const intLen = x + 1;
  if (digits.length <= intLen) return digits + '0'.repeat(intLen - digits.length);
  return `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Places nine significant digits with decimal exponent `exp` the way %g does. */
function layout(digits: string, exp: number): string {
  if (exp < -4 || exp >= 9) {
    const mant = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const ae = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (exp < 0) return stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`);
  const intLen = exp + 1;
  return stripZeros(`${digits.slice(0, intLen)}.${digits.slice(intLen)}`);
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s[end - 1] === '0') end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/**
 * For a positive float32 `a` whose exact decimal value is a halfway case at nine significant digits,
 * the correctly rounded (ties-to-even) digits and exponent; otherwise null.
 */
function exactTieDigits(a: number): { digits: string; exp: number } | null {
  F32[0] = a;
  const bits = U32[0]!;
  const biased = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  let e2: number;
  if (biased === 0) {
    e2 = -149;
  } else {
    mant |= 0x800000;
    e2 = biased - 150;
  }
  // a = mant * 2^e2 with mant odd after stripping trailing zero bits
  while ((mant & 1) === 0) {
    mant >>>= 1;
    e2++;
  }
  let exact: string;
  let pointAfter: number; // number of digits before the decimal point in `exact`
  if (e2 >= 0) {
    if (a < 1e9) return null; // an integer with at most nine digits is printed exactly
    exact = (BigInt(mant) << BigInt(e2)).toString();
    pointAfter = exact.length;
  } else {
    // a = mant * 5^k / 10^k: exactly k decimals, the last one 5 (mant odd), so the exact value has
    // k + floor(log10(a)) + 1 significant digits; only ten of them can make a tie (log10 may be off by one).
    const k = -e2;
    const sigDigits = k + Math.floor(Math.log10(a)) + 1;
    if (sigDigits < 9 || sigDigits > 11) return null;
    exact = (BigInt(mant) * 5n ** BigInt(k)).toString();
    pointAfter = exact.length - k;
  }
  const sig = exact.replace(/^0+/, '');
  const trimmed = sig.replace(/0+$/, '');
  if (trimmed.length !== 10 || trimmed[9] !== '5') return null;
  // exponent of the leading digit
  const exp = pointAfter - (exact.length - sig.length) - 1;
  let nine = trimmed.slice(0, 9);
  const last = Number(nine[8]);
  if (last % 2 === 1) {
    // round up (to even)
    const up = (BigInt(nine) + 1n).toString();
    if (up.length > 9) return { digits: up.slice(0, 9), exp: exp + 1 };
    nine = up;
  }
  return { digits: nine, exp };
}
