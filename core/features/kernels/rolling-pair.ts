/**
 * pandas' rolling correlation and covariance (pandas 1.5 `Rolling.corr/cov` over
 * `flex_binary_moment`): both series are first masked by each other (`a + 0*b`, `b + 0*a`), then
 * corr = (mean(xy) - mean(x)mean(y)) * n/(n-1) / sqrt(var(x) var(y)), each term from the exact
 * pandas running kernels in rolling-sums.ts. Qlib's Corr then blanks rows where the rolling std of
 * either (unmasked) input is within 2e-5 of zero; the evaluator applies that mask.
 */
import { startRow, type KernelCarry } from './kernel-carry.ts';
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
 * a + 0*b are exact whichever of float32/float64 the operands are. A carried state is the five
 * running kernels' states and the pair count, one after the other.
 */
export function rollingPair(
  a: Float64Array, b: Float64Array, lo: number, hi: number, n: number, corr: boolean, s: PairScratch, out: Float64Array, carry?: KernelCarry,
): void {
  const w = n === 0 ? Infinity : n;
  for (let i = Math.max(lo, 0); i < hi; i++) {
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
  // sub-kernel k's carried state is slice k of the pair's (7 values each), the count is last
  const part = (k: number): KernelCarry | undefined => carry && {
    state: carry.state ? carry.state.subarray(7 * k, 7 * k + 7) : null, from: carry.from, saveAt: carry.saveAt, saved: null,
  };
  const parts = [part(0), part(1), part(2), corr ? part(3) : undefined, corr ? part(4) : undefined];
  rollingMean(s.xy, lo, hi, n, s.meanXY, parts[0]);
  rollingMean(s.x, lo, hi, n, s.meanX, parts[1]);
  rollingMean(s.y, lo, hi, n, s.meanY, parts[2]);
  if (corr) {
    rollingVar(s.x, lo, hi, n, s.varX, parts[3]);
    rollingVar(s.y, lo, hi, n, s.varY, parts[4]);
  }
  let count = carry?.state ? carry.state[35]! : 0;
  const saveAt = carry?.saveAt ?? -1;
  for (let i = startRow(lo, carry); i < hi; i++) {
    // notna(X + Y): both present (the masks agree after masking)
    const xv = s.x[i]!;
    if (xv + s.y[i]! === xv + s.y[i]!) count++;
    if (i - w >= lo) {
      const pv = s.x[i - w]!;
      if (pv + s.y[i - w]! === pv + s.y[i - w]!) count--;
    }
    const numerator = (s.meanXY[i]! - s.meanX[i]! * s.meanY[i]!) * (count / (count - 1));
    out[i] = corr ? numerator / Math.sqrt(s.varX[i]! * s.varY[i]!) : numerator;
    if (i === saveAt) {
      const saved = new Float64Array(36);
      parts.forEach((p, k) => p?.saved && saved.set(p.saved, 7 * k));
      saved[35] = count;
      carry!.saved = saved;
    }
  }
}
