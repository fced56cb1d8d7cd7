/**
 * pandas' rolling skewness and kurtosis (roll_skew, roll_kurt in pandas 1.5), reproduced exactly:
 * the whole series is first shifted by its rounded mean (when that keeps precision), then Kahan sums
 * of x, x², x³ (and x⁴) slide with the window. The shift makes every value depend on the entire
 * loaded series, not only on the window: see window-analysis.ts.
 */
import { prep } from './rolling-sums.ts';

/** Rolling sample skewness (bias-corrected), NaN below 3 observations. */
export function rollingSkew(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array): void {
  rollingMoments(x, lo, hi, n, 3, out);
}

/** Rolling excess kurtosis (bias-corrected), NaN below 4 observations. */
export function rollingKurt(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array): void {
  rollingMoments(x, lo, hi, n, 4, out);
}

function rollingMoments(x: Float64Array, lo: number, hi: number, n: number, order: 3 | 4, out: Float64Array): void {
  const w = n === 0 ? Infinity : n;
  const len = hi - lo;
  const values = new Float64Array(len);
  let minVal = Infinity, sumVal = 0, nobsMean = 0;
  for (let i = 0; i < len; i++) {
    const v = prep(x[lo + i]!);
    values[i] = v;
    if (v === v) {
      nobsMean++;
      sumVal += v;
      if (v < minVal) minVal = v;
    }
  }
  if (nobsMean === 0) minVal = NaN;
  const copy = Float64Array.from(values);
  let meanVal = sumVal / nobsMean;
  if (minVal - meanVal > (order === 3 ? -1e5 : -1e4)) {
    meanVal = cRound(meanVal);
    for (let i = 0; i < len; i++) copy[i] = copy[i]! - meanVal;
  }
  const s = { nobs: 0, x: 0, xx: 0, xxx: 0, xxxx: 0, cx: 0, cxx: 0, cxxx: 0, cxxxx: 0, same: 0, prev: 0 };
  const rem = { cx: 0, cxx: 0, cxxx: 0, cxxxx: 0 };
  const kahan = (acc: 'x' | 'xx' | 'xxx' | 'xxxx', comp: { [k: string]: number }, key: string, term: number) => {
    const y = term - comp[key]!;
    const t = s[acc] + y;
    comp[key] = t - s[acc] - y;
    s[acc] = t;
  };
  const add = (v: number) => {
    if (v !== v) return;
    s.nobs++;
    kahan('x', s, 'cx', v);
    kahan('xx', s, 'cxx', v * v);
    kahan('xxx', s, 'cxxx', v * v * v);
    if (order === 4) kahan('xxxx', s, 'cxxxx', v * v * v * v);
    if (v === s.prev) s.same++;
    else s.same = 1;
    s.prev = v;
  };
  const remove = (v: number) => {
    if (v !== v) return;
    s.nobs--;
    kahan('x', rem, 'cx', -v);
    kahan('xx', rem, 'cxx', -v * v);
    kahan('xxx', rem, 'cxxx', -v * v * v);
    if (order === 4) kahan('xxxx', rem, 'cxxxx', -v * v * v * v);
  };
  for (let i = 0; i < len; i++) {
    const start = Math.max(0, i - w + 1);
    if (i === 0 || start >= i) {
      s.prev = values[start]!;
      s.same = 0;
      s.cx = s.cxx = s.cxxx = s.cxxxx = 0;
      rem.cx = rem.cxx = rem.cxxx = rem.cxxxx = 0;
      s.x = s.xx = s.xxx = s.xxxx = 0;
      s.nobs = 0;
      for (let j = start; j <= i; j++) add(copy[j]!);
    } else {
      if (i - w >= 0) remove(copy[i - w]!);
      add(copy[i]!);
    }
    out[lo + i] = order === 3 ? calcSkew(s.nobs, s.x, s.xx, s.xxx, s.same) : calcKurt(s.nobs, s.x, s.xx, s.xxx, s.xxxx, s.same);
  }
}

function calcSkew(nobs: number, x: number, xx: number, xxx: number, same: number): number {
  if (nobs < 3) return NaN;
  const A = x / nobs;
  const B = xx / nobs - A * A;
  const C = xxx / nobs - A * A * A - 3 * A * B;
  if (same >= nobs) return 0;
  if (B <= 1e-14) return NaN;
  const R = Math.sqrt(B);
  return (Math.sqrt(nobs * (nobs - 1)) * C) / ((nobs - 2) * R * R * R);
}

function calcKurt(nobs: number, x: number, xx: number, xxx: number, xxxx: number, same: number): number {
  if (nobs < 4) return NaN;
  if (same >= nobs) return -3;
  const A = x / nobs;
  let R = A * A;
  const B = xx / nobs - R;
  R = R * A;
  const C = xxx / nobs - R - 3 * A * B;
  R = R * A;
  const D = xxxx / nobs - R - 6 * B * A * A - 4 * C * A;
  if (B <= 1e-14) return NaN;
  const K = ((nobs * nobs - 1) * D) / (B * B) - 3 * (nobs - 1) ** 2;
  return K / ((nobs - 2) * (nobs - 3));
}

/** C's round(): halves away from zero (Math.round rounds them up). */
function cRound(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}
