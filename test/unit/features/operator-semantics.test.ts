import { describe, expect, it } from 'vitest';
import { evaluate, expectSeries } from './feature-test-helpers.ts';

const N = NaN;
const f = Math.fround;

describe('element-wise operators (numpy semantics on float32)', () => {
  it('rounds every float32 step and casts a Python number to float32 first', () => {
    const [v] = evaluate('($close-$open)/$open', { close: [1.1], open: [1.0] });
    expect(v).toBe(f(f(f(1.1) - 1) / 1));
    // $volume + 1e-12 adds float32(1e-12): zero volume gives 1/float32(1e-12), not 1e12
    expectSeries(evaluate('1/($volume+1e-12)', { volume: [0] }), [1 / f(1e-12)]);
  });

  it('divides by zero into infinities and NaN', () => {
    expectSeries(evaluate('$a/$b', { a: [1, -1, 0, N], b: [0, 0, 0, 1] }), [Infinity, -Infinity, N, N]);
  });

  it('Greater/Less propagate NaN; comparisons make NaN false', () => {
    expectSeries(evaluate('Greater($a, $b)', { a: [1, N, 3], b: [2, 1, N] }), [2, N, N]);
    expectSeries(evaluate('Less($a, 0)', { a: [1, -2, N] }), [0, -2, N]);
    expectSeries(evaluate('$a>$b', { a: [1, N, 3], b: [0, 1, N] }), [1, 0, 0]);
    expectSeries(evaluate('$a<$b', { a: [1, N, 3], b: [2, 1, N] }), [1, 0, 0]);
  });

  it('Log, Sign and Abs as numpy (numpy float32 log, sign of -0 is 0)', () => {
    expectSeries(evaluate('Log($x)', { x: [0, -1, 1, N, Infinity] }), [-Infinity, N, 0, N, Infinity]);
    expectSeries(evaluate('Sign($x)', { x: [-2, -0, 0, 3, N] }), [-1, 0, 0, 1, N]);
    expect(Object.is(evaluate('Sign($x)', { x: [-0] })[0], 0)).toBe(true);
    expectSeries(evaluate('Abs($x)', { x: [-2.5, N, -Infinity] }), [2.5, N, Infinity]);
  });

  it('If treats NaN as true and casts numbers to the result type', () => {
    expectSeries(evaluate('If($z, 1, 0)', { z: [N, 0, 2] }), [1, 0, 1]);
    expectSeries(evaluate('If($a>$b, $a, 0.1)', { a: [2, 1], b: [1, 2] }), [2, f(0.1)]);
  });

  it('unary minus is exact negation, Power is element-wise', () => {
    expectSeries(evaluate('-$x', { x: [1.5, -2] }), [-1.5, 2]);
    expectSeries(evaluate('Power($x, 2)', { x: [3, N, -2] }), [9, N, 4]);
  });
});

describe('shifts', () => {
  const close = [1, 2, 4, 7];
  it('Ref looks N rows back (NaN before the start), forward for N < 0, the first row for N = 0', () => {
    expectSeries(evaluate('Ref($close, 1)', { close }), [N, 1, 2, 4]);
    expectSeries(evaluate('Ref($close, -2)', { close }), [4, 7, N, N]);
    expectSeries(evaluate('Ref($close, 0)', { close }), [1, 1, 1, 1]);
  });
  it('Delta subtracts the value N rows back (N = 0: the first value)', () => {
    expectSeries(evaluate('Delta($close, 2)', { close }), [N, N, 3, 5]);
    expectSeries(evaluate('Delta($close, 0)', { close }), [0, 1, 3, 6]);
  });
});

describe('rolling windows: truncated at the start, NaN skipped', () => {
  it('Mean and Sum over the finite values of the window; NaN only when the window has none', () => {
    expectSeries(evaluate('Mean($x, 3)', { x: [1, 2, N, 4] }), [1, 1.5, 1.5, 3]);
    expectSeries(evaluate('Sum($x, 3)', { x: [1, 2, N, 4] }), [1, 3, 3, 6]);
    expectSeries(evaluate('Mean($x, 2)', { x: [N, N, 5] }), [N, N, 5]);
    expectSeries(evaluate('Mean($x, 0)', { x: [1, 2, 3, 6] }), [1, 1.5, 2, 3]);
  });

  it('infinities count as missing in pandas rolling statistics, as present in Count', () => {
    expectSeries(evaluate('Mean($x, 2)', { x: [1, Infinity, 3] }), [1, 1, 3]);
    expectSeries(evaluate('Count($x, 2)', { x: [1, Infinity, N, 2] }), [1, 2, 1, 1]);
  });

  it('Std/Var are sample statistics: NaN below 2 values, exactly 0 on a flat stretch', () => {
    expectSeries(evaluate('Std($x, 3)', { x: [1, 2, 4, 4, 4] }), [N, Math.SQRT1_2, Math.sqrt(7 / 3), Math.sqrt(4 / 3), 0], 1e-7);
    expectSeries(evaluate('Var($x, 3)', { x: [1, 2, 4] }), [N, 0.5, 7 / 3], 1e-7);
    expectSeries(evaluate('Std($x, 3)', { x: [5, 5, 5, 5] }), [N, 0, 0, 0]);
  });

  it('Max/Min ignore NaN', () => {
    expectSeries(evaluate('Max($x, 2)', { x: [1, N, N, 3] }), [1, 1, N, 3]);
    expectSeries(evaluate('Min($x, 3)', { x: [4, 2, N, 3] }), [4, 2, 2, 2]);
  });

  it('Quantile interpolates linearly; Med averages the middle pair', () => {
    expectSeries(evaluate('Quantile($x, 4, 0.8)', { x: [1, 2, 3, 4] }), [1, 1.8, 2.6, 3.4], 1e-7);
    expectSeries(evaluate('Med($x, 4)', { x: [1, 2, 3, 4] }), [1, 1.5, 2, 2.5]);
    // long windows take the rank-tree path and give the same values
    expectSeries(evaluate('Quantile($x, 200, 0.8)', { x: [1, 2, 3, 4] }), [1, 1.8, 2.6, 3.4], 1e-7);
  });

  it('Rank is the average rank of the current value over the count, NaN when it is NaN', () => {
    expectSeries(evaluate('Rank($x, 3)', { x: [3, 1, 1, 2, N] }), [1, 0.5, 0.5, 1, N]);
    expectSeries(evaluate('Rank($x, 300)', { x: [3, 1, 1, 2, N] }), [1, 0.5, 0.5, 0.75, N]);
  });

  it('IdxMax/IdxMin: 1-based from the oldest row, ties to the earliest, a NaN in the window wins', () => {
    const high = [1, 3, 3, 2, N, 1];
    expectSeries(evaluate('IdxMax($high, 3)', { high }), [1, 2, 2, 1, 3, 2]);
    expectSeries(evaluate('IdxMin($high, 3)', { high }), [1, 1, 1, 3, 3, 2]);
    expectSeries(evaluate('IdxMax($high, 5)/5', { high: [1] }), [0.2]);
    expectSeries(evaluate('IdxMax($high, 2)', { high: [N, N, 1] }), [N, N, 1]);
  });

  it("Slope/Rsquare/Resi regress on Qlib's fixed N slots; Rsquare is NaN where the std is ~0", () => {
    const close = [1, 2, 3, 5];
    expectSeries(evaluate('Slope($close, 3)', { close }), [N, 1, 1, 1.5], 1e-7);
    expectSeries(evaluate('Rsquare($close, 3)', { close }), [N, 1, 1, 81 / 84], 1e-6);
    expectSeries(evaluate('Resi($close, 3)', { close }), [N, 0, 0, 1 / 6], 1e-5);
    expectSeries(evaluate('Rsquare($close, 3)', { close: [2, 2, 2, 2] }), [N, N, N, N]);
    // the slot positions are kept across a missing day
    expectSeries(evaluate('Slope($close, 3)', { close: [1, N, 3] }), [N, N, 1], 1e-7);
  });

  it('Corr/Cov pair the finite values; Corr is NaN where either rolling std is ~0', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 9];
    expectSeries(evaluate('Corr($a, $b, 3)', { a, b }), [N, 1, 1, 5 / Math.sqrt(2 * (114 / 9))], 1e-6);
    expectSeries(evaluate('Cov($a, $b, 3)', { a, b }), [N, 1, 2, 2.5], 1e-6);
    expectSeries(evaluate('Corr($a, $b, 3)', { a: [3, 3, 3, 3], b }), [N, N, N, N]);
    // an infinite value is missing for the pair (zero volume -> Log(v/0+1) = inf in Alpha158's CORD)
    expectSeries(evaluate('Corr($a, $b, 3)', { a: [1, 2, 3, 4], b: [2, Infinity, 6, 9] }), [N, N, 1, 1], 1e-6);
  });

  it('EMA is pandas ewm(span=N, adjust=True); WMA and Mad as Qlib applies them', () => {
    expectSeries(evaluate('EMA($x, 3)', { x: [1, 2, 3] }), [1, 2.5 / 1.5, 4.25 / 1.75], 1e-7);
    expectSeries(evaluate('WMA($x, 3)', { x: [1, 2, 3] }), [1, 5 / 3 / 2, 14 / 6 / 3], 1e-7);
    expectSeries(evaluate('WMA($x, 3)', { x: [1, N, 3] }), [1, 1 / 3, (1 / 6 + 3 / 2) / 2], 1e-7);
    expectSeries(evaluate('Mad($x, 3)', { x: [1, 2, 4] }), [0, 0.5, 10 / 9], 1e-7);
  });

  it('Skew/Kurt are the bias-corrected sample moments, NaN below 3/4 values', () => {
    const x = [1, 2, 4, 8];
    const skew = (v: number[]) => {
      const n = v.length;
      const m = v.reduce((s, y) => s + y, 0) / n;
      const m2 = v.reduce((s, y) => s + (y - m) ** 2, 0) / n;
      const m3 = v.reduce((s, y) => s + (y - m) ** 3, 0) / n;
      return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
    };
    expectSeries(evaluate('Skew($x, 3)', { x }), [N, N, skew([1, 2, 4]), skew([2, 4, 8])], 1e-6);
    const m = 15 / 4;
    const m2 = x.reduce((s, y) => s + (y - m) ** 2, 0) / 4;
    const m4 = x.reduce((s, y) => s + (y - m) ** 4, 0) / 4;
    const kurt = ((4 * 4 - 1) * (m4 / m2 ** 2) - 3 * 9) / (2 * 1);
    expectSeries(evaluate('Kurt($x, 4)', { x }), [N, N, N, kurt], 1e-6);
    expectSeries(evaluate('Skew($x, 3)', { x: [2, 2, 2] }), [N, N, 0]);
  });
});

describe('comparisons inside windows count NaN days as false (Alpha158 CNTP)', () => {
  it('Mean($close>Ref($close, 1), N) is never NaN', () => {
    expectSeries(evaluate('Mean($close>Ref($close, 1), 3)', { close: [1, 2, N, 3] }), [0, 0.5, 1 / 3, 1 / 3], 1e-7);
  });
});
