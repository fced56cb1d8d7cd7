/**
 * Qlib's Cython regressions (`qlib/data/_libs/rolling.pyx`, `expanding.pyx`): the slope, r² and
 * residual of a least-squares fit of the values on their slot positions, kept as running sums that
 * slide with the window. Reproduced statement for statement (the same float64 operations in the
 * same order), including Qlib's quirks: the window starts as N NaN slots, so early rows regress on
 * positions N-k+1..N; ±inf is not treated as missing (it poisons the sums for good, as in Qlib).
 */

import { startRow, type KernelCarry } from './kernel-carry.ts';

export type RegressionOutput = 'slope' | 'rsquare' | 'resi';

/** Rolling regression over a fixed N-slot window (Qlib `rolling_slope/rolling_rsquare/rolling_resi`). */
export function rollingRegression(
  x: Float64Array, lo: number, hi: number, n: number, what: RegressionOutput, out: Float64Array, carry?: KernelCarry,
): void {
  if (n === 0) return expandingRegression(x, lo, hi, what, out, carry);
  // carried state: the ring of n slots, then head, naCount and the six sums
  const s0 = carry?.state;
  const slots = s0 ? s0.slice(0, n) : new Float64Array(n).fill(NaN);
  let head = 0; // slots is a ring: slots[head] is the oldest value (the deque's front)
  let naCount = n;
  let iSum = 0, xSum = 0, x2Sum = 0, ySum = 0, y2Sum = 0, xySum = 0;
  if (s0) [head, naCount, iSum, xSum, x2Sum, ySum, y2Sum, xySum] = s0.subarray(n) as unknown as number[] as [number, number, number, number, number, number, number, number];
  const saveAt = carry?.saveAt ?? -1;
  const ww = n * n;
  for (let i = startRow(lo, carry); i < hi; i++) {
    const val = x[i]!;
    xySum = xySum - ySum;
    x2Sum = x2Sum + iSum - 2 * xSum;
    xSum = xSum - iSum;
    const front = slots[head]!;
    if (!Number.isNaN(front)) {
      iSum -= 1;
      ySum -= front;
      y2Sum -= front * front;
    } else {
      naCount -= 1;
    }
    slots[head] = val;
    head = head + 1 === n ? 0 : head + 1;
    if (Number.isNaN(val)) {
      naCount += 1;
    } else {
      iSum += 1;
      xSum += n;
      x2Sum += ww;
      ySum += val;
      y2Sum += val * val;
      xySum += n * val;
    }
    const cnt = n - naCount;
    if (what === 'slope') {
      out[i] = (cnt * xySum - xSum * ySum) / (cnt * x2Sum - xSum * xSum);
    } else if (what === 'rsquare') {
      const r = (cnt * xySum - xSum * ySum) / Math.sqrt((cnt * x2Sum - xSum * xSum) * (cnt * y2Sum - ySum * ySum));
      out[i] = r * r;
    } else {
      const slope = (cnt * xySum - xSum * ySum) / (cnt * x2Sum - xSum * xSum);
      const xMean = xSum / cnt;
      const yMean = ySum / cnt;
      const interp = yMean - slope * xMean;
      out[i] = val - (slope * n + interp);
    }
    if (i === saveAt) {
      const saved = new Float64Array(n + 8);
      saved.set(slots);
      saved.set([head, naCount, iSum, xSum, x2Sum, ySum, y2Sum, xySum], n);
      carry!.saved = saved;
    }
  }
}

/** Expanding regression (N = 0): positions 1..t of all rows so far (Qlib `expanding_*`). */
function expandingRegression(x: Float64Array, lo: number, hi: number, what: RegressionOutput, out: Float64Array, carry?: KernelCarry): void {
  let naCount = 0, xSum = 0, x2Sum = 0, ySum = 0, y2Sum = 0, xySum = 0;
  if (carry?.state) [naCount, xSum, x2Sum, ySum, y2Sum, xySum] = carry.state as unknown as [number, number, number, number, number, number];
  const saveAt = carry?.saveAt ?? -1;
  for (let i = startRow(lo, carry); i < hi; i++) {
    const val = x[i]!;
    const size = i - lo + 1;
    if (Number.isNaN(val)) {
      naCount += 1;
    } else {
      xSum += size;
      x2Sum += size * size;
      ySum += val;
      y2Sum += val * val;
      xySum += size * val;
    }
    const cnt = size - naCount;
    if (what === 'slope') {
      out[i] = (cnt * xySum - xSum * ySum) / (cnt * x2Sum - xSum * xSum);
    } else if (what === 'rsquare') {
      const r = (cnt * xySum - xSum * ySum) / Math.sqrt((cnt * x2Sum - xSum * xSum) * (cnt * y2Sum - ySum * ySum));
      out[i] = r * r;
    } else {
      const slope = (cnt * xySum - xSum * ySum) / (cnt * x2Sum - xSum * xSum);
      const interp = ySum / cnt - slope * (xSum / cnt);
      out[i] = val - (slope * size + interp);
    }
    if (i === saveAt) carry!.saved = Float64Array.of(naCount, xSum, x2Sum, ySum, y2Sum, xySum);
  }
}
