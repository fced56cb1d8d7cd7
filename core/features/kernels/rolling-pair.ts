/**
 * pandas' rolling correlation and covariance (pandas 1.5 `Rolling.corr/cov` over
 * `flex_binary_moment`): both series are first masked by each other (`a + 0*b`, `b + 0*a`), then
 * corr = (mean(xy) - mean(x)mean(y)) * n/(n-1) / sqrt(var(x) var(y)), each term from the exact
 * pandas running kernels in rolling-sums.ts. Qlib's Corr then blanks rows where the rolling std of
 * either (unmasked) input is within 2e-5 of zero; the evaluator applies that mask.
 */
import { rollingMean, rollingVar } from './rolling-sums.ts';

/** Scratch buffers for one pair computation (reused across calls by the evaluator). */
export interface PairScratch {
  x: Float64Array;
  y: Float64Array;
  xy: Float64Array;
  meanXY: Float64Array;
  meanX: Float64Array;
  meanY: Float64Array;
  varX: Float64Array;
  varY: Float64Array;
}

/** Allocates scratch space for series of up to `length` rows. */
export function pairScratch(length: number): PairScratch {
  const f = () => new Float64Array(length);
  return { x: f(), y: f(), xy: f(), meanXY: f(), meanX: f(), meanY: f(), varX: f(), varY: f() };
}

/**
 * Rolling Corr (corr = true) or Cov of a and b over N rows. `a` and `b` are the operands' raw values
 * (±inf included: the masking below turns them into NaN for both series, as pandas does); the sums
 * a + 0*b are exact whichever of float32/float64 the operands are.
 */
export function rollingPair(
  a: Float64Array, b: Float64Array, lo: number, hi: number, n: number, corr: boolean, s: PairScratch, out: Float64Array,
): void {
  const w = n === 0 ? Infinity : n;
  for (let i = lo; i < hi; i++) {
    const av = a[i]!;
    const bv = b[i]!;
    // X = a + 0*b and Y = b + 0*a, then ±inf -> NaN: exact in float32 and float64 alike.
    let xv = av + 0 * bv;
    let yv = bv + 0 * av;
    if (xv === Infinity || xv === -Infinity) xv = NaN;
    if (yv === Infinity || yv === -Infinity) yv = NaN;
    s.x[i] = xv;
    s.y[i] = yv;
    s.xy[i] = xv * yv;
  }
  rollingMean(s.xy, lo, hi, n, s.meanXY);
  rollingMean(s.x, lo, hi, n, s.meanX);
  rollingMean(s.y, lo, hi, n, s.meanY);
  if (corr) {
    rollingVar(s.x, lo, hi, n, s.varX);
    rollingVar(s.y, lo, hi, n, s.varY);
  }
  let count = 0;
  for (let i = lo; i < hi; i++) {
    // notna(X + Y): both present (the masks agree after masking)
    const xv = s.x[i]!;
    if (xv + s.y[i]! === xv + s.y[i]!) count++;
    if (i - w >= lo) {
      const pv = s.x[i - w]!;
      if (pv + s.y[i - w]! === pv + s.y[i - w]!) count--;
    }
    const numerator = (s.meanXY[i]! - s.meanX[i]! * s.meanY[i]!) * (count / (count - 1));
    out[i] = corr ? numerator / Math.sqrt(s.varX[i]! * s.varY[i]!) : numerator;
  }
}
