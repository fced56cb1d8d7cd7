/**
 * How much history and future an expression reads, for incremental builds and for emulating the
 * range Qlib loads. Two views are computed:
 * - exact row counts: `lookback` rows before and `lookahead` rows after the current row that the
 *   value depends on mathematically (Infinity for expanding windows, EMA's infinite memory, Ref(x, 0)
 *   and the whole-series mean that pandas subtracts in Skew/Kurt);
 * - Qlib's own `get_extended_window_size()`, which decides the rows Qlib loads for a query with a
 *   start date (and which, for Delta and EMA, is shorter than what the value needs).
 */
import type { Expr } from './expression-resolver.ts';

export interface WindowInfo {
  /** Rows before the current one the value depends on (Infinity: the whole history). */
  lookback: number;
  /** Rows after the current one (from negative Ref shifts). */
  lookahead: number;
  /** Largest total Ref/Delta shift into the past along any path. */
  refDepth: number;
  /** Qlib's extension (lft_etd, rght_etd): rows Qlib loads before the query start and after its end. */
  qlibLeft: number;
  qlibRight: number;
  /**
   * False when the float64 arithmetic is a running state from the series start (pandas' Kahan sums,
   * Welford variance, Qlib's Cython regressions, EWM) or the value depends on where the series
   * starts: then a value computed from `lookback` rows of history equals a full-history value only
   * up to float64 rounding (almost always the same float32), not bit for bit.
   */
  boundedExact: boolean;
}

const RUNNING_STATE = new Set(['Mean', 'Sum', 'Std', 'Var', 'Skew', 'Kurt', 'Slope', 'Rsquare', 'Resi', 'Corr', 'Cov', 'EMA']);

const cache = new WeakMap<Expr, WindowInfo>();

/** The window information of an expression (memoised per node). */
export function windowInfo(expr: Expr): WindowInfo {
  const hit = cache.get(expr);
  if (hit) return hit;
  const info = compute(expr);
  cache.set(expr, info);
  return info;
}

function compute(expr: Expr): WindowInfo {
  if (expr.kind !== 'op') return { lookback: 0, lookahead: 0, refDepth: 0, qlibLeft: 0, qlibRight: 0, boundedExact: true };
  const kids = expr.args.map(windowInfo);
  const max = (f: (w: WindowInfo) => number) => Math.max(0, ...kids.map(f));
  const base: WindowInfo = {
    lookback: max((w) => w.lookback),
    lookahead: max((w) => w.lookahead),
    refDepth: max((w) => w.refDepth),
    qlibLeft: max((w) => w.qlibLeft),
    qlibRight: max((w) => w.qlibRight),
    boundedExact: kids.every((w) => w.boundedExact),
  };
  const n = expr.params[0] ?? 0;
  switch (expr.op) {
    case 'Ref':
    case 'Delta': {
      if (n === 0) return { ...base, lookback: Infinity, boundedExact: false };
      // Qlib: Ref extends by N; Delta is a Rolling subclass and extends by N - 1 (one row short).
      const qlibLeft = expr.op === 'Ref' ? Math.max(base.qlibLeft + n, base.qlibLeft) : base.qlibLeft + n - 1;
      const qlibRight = expr.op === 'Ref' ? Math.max(base.qlibRight - n, base.qlibRight) : base.qlibRight;
      if (expr.op === 'Delta') {
        return { ...base, lookback: base.lookback + n, refDepth: base.refDepth + n, qlibLeft, qlibRight };
      }
      return n > 0
        ? { ...base, lookback: base.lookback + n, lookahead: Math.max(0, base.lookahead - n), refDepth: base.refDepth + n, qlibLeft, qlibRight }
        : { ...base, lookback: Math.max(0, base.lookback + n), lookahead: base.lookahead - n, qlibLeft, qlibRight };
    }
    case 'Corr':
    case 'Cov':
      return { ...base, lookback: base.lookback + n - 1, qlibLeft: base.qlibLeft + n - 1, boundedExact: false };
    default:
      break;
  }
  if (expr.params.length === 0) return base; // element-wise and If
  const stateful = RUNNING_STATE.has(expr.op);
  if (expr.op === 'EMA') {
    const left = n > 0 && n < 1 ? Math.max(base.qlibLeft + Math.trunc(Math.log(1e-6) / Math.log(1 - n)) - 1, base.qlibLeft) : n === 0 ? base.qlibLeft : base.qlibLeft + n - 1;
    return { ...base, lookback: Infinity, qlibLeft: left, boundedExact: false };
  }
  if (n === 0) return { ...base, lookback: Infinity, boundedExact: false };
  const wholeSeries = expr.op === 'Skew' || expr.op === 'Kurt';
  return {
    ...base,
    lookback: wholeSeries ? Infinity : base.lookback + n - 1,
    qlibLeft: base.qlibLeft + n - 1,
    boundedExact: base.boundedExact && !stateful,
  };
}
