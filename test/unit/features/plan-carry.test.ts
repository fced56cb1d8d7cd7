import { describe, expect, it } from 'vitest';
import { compileFeatures } from '../../../core/features/engine/feature-set-compiler.ts';
import { planCarryShape } from '../../../core/features/engine/plan-carry.ts';
import { createPlanEvaluator, type CarryRun, type NodeState } from '../../../core/features/engine/plan-evaluator.ts';
import { windowInfo } from '../../../core/features/expression/window-analysis.ts';
import { compileExpression } from '../../../core/features/expression/expression-resolver.ts';
import { loadBuiltinManifest } from '../../../core/features/sets/feature-set-manifest.ts';

const depthOf = (expression: string) => {
  const c = compileFeatures([{ name: 'x', expression }]);
  return planCarryShape(c.plan);
};

describe('lookback of hand-written expressions', () => {
  it('adds nested windows and Ref lags; unbounded operators need the whole history', () => {
    const lb = (e: string) => windowInfo(compileExpression(e)).lookback;
    expect(lb('$close')).toBe(0);
    expect(lb('Ref($close, 5)')).toBe(5);
    expect(lb('Mean($close, 20)')).toBe(19);
    expect(lb('Mean(Ref($close, 1), 5)')).toBe(5);
    expect(lb('Max(Mean($close, 10), 5) / Ref($close, 3)')).toBe(13);
    expect(lb('Corr($close, Log($volume+1), 60)')).toBe(59);
    expect(lb('Std(Ref($close, 2) / Ref($close, 7), 30)')).toBe(36);
    expect(lb('EMA($close, 10)')).toBe(Infinity);
    expect(lb('Sum($close, 0)')).toBe(Infinity);
    expect(lb('Skew($close, 5)')).toBe(Infinity);
  });

  it('gives each plan node the rows a resumed build must read (a window also reads the row leaving it)', () => {
    expect(depthOf('$close').maxDepth).toBe(0);
    expect(depthOf('Ref($close, 5)').maxDepth).toBe(5);
    expect(depthOf('Mean($close, 20)').maxDepth).toBe(20);
    expect(depthOf('Max(Mean($close, 10), 5) / Ref($close, 3)').maxDepth).toBe(15);
    expect(depthOf('Mean(Ref($close, 1), 5) - Ref(Std($close, 3), 4)').maxDepth).toBe(7);
    // running state carried over: EMA and expanding sums add nothing
    expect(depthOf('EMA(Ref($close, 2), 10)')).toMatchObject({ resumable: true, maxDepth: 2 });
    expect(depthOf('Sum($close, 0)')).toMatchObject({ resumable: true, maxDepth: 0 });
    // no state to carry: the whole history
    expect(depthOf('Max($close, 0)').resumable).toBe(false);
    expect(depthOf('Skew($close, 5)').reason).toMatch(/Skew/);
    expect(depthOf('Ref($close, -1)').resumable).toBe(false);
    expect(depthOf('EMA($close, 0)').resumable).toBe(false);
  });

  it('Alpha158 without its label resumes from 61 rows (Corr over 60 days of Ref($close, 1) ratios)', () => {
    const m = loadBuiltinManifest('alpha158');
    const c = compileFeatures(m.expressions);
    const s = planCarryShape(c.plan);
    expect(s.resumable).toBe(true);
    expect(s.maxDepth).toBe(61);
  });
});

/** A deterministic float32 series with NaN days, a flat stretch and a late start. */
function series(len: number, seed: number, start = 0): Float32Array {
  const a = new Float32Array(len).fill(NaN);
  let v = 50 + seed;
  let r = seed * 7919 + 1;
  for (let i = start; i < len; i++) {
    r = (r * 48271) % 2147483647;
    v *= 1 + ((r / 2147483647) - 0.5) * 0.06;
    a[i] = i % 37 === 5 ? NaN : i >= 90 && i < 100 ? 42.125 : v;
  }
  return a;
}

const EXPRS = [
  'Mean($close, 5)/$close', 'Std($close, 20)/$close', 'Sum(Greater($close-Ref($close, 1), 0), 10)', 'Slope($close, 20)/$close',
  'Rsquare($close, 10)', 'Resi($close, 30)/$close', 'Corr($close, Log($volume+1), 20)', 'Cov($close, $volume, 10)',
  'Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 60)', 'EMA($close, 12)/$close', 'Var(Mean($close, 5), 40)',
  'Max($high, 10)/Min($low, 10)', 'Quantile($close, 20, 0.8)', 'Rank($close, 30)', 'IdxMax($high, 20)', 'Sum($volume, 0)',
  'Mean($close, 0)', 'Slope($close, 0)', 'Mean(Std($close, 30), 120)',
];

/** Full evaluation's float64 values of every output, rows [0, len). */
function fullRun(fields: Record<string, Float32Array>, len: number): Float64Array[] {
  const c = compileFeatures(EXPRS.map((expression, i) => ({ name: `f${i}`, expression })));
  const out = EXPRS.map(() => new Float64Array(len).fill(NaN));
  createPlanEvaluator(c.plan).evaluateInto({ length: len, fields }, (k, v, l, h) => out[k]!.set(v.subarray(l, h), l));
  return out;
}

describe('carried running states', () => {
  it('a build resumed chunk by chunk gives the full build float64 values bit for bit', () => {
    const len = 400;
    const fields = { close: series(len, 1), high: series(len, 2), low: series(len, 3), volume: series(len, 4, 30) };
    const full = fullRun(fields, len);
    const c = compileFeatures(EXPRS.map((expression, i) => ({ name: `f${i}`, expression })));
    const shape = planCarryShape(c.plan);
    expect(shape.resumable).toBe(true);
    const ev = createPlanEvaluator(c.plan);
    let states: (NodeState | null)[] | null = null;
    let last = -1;
    let plainDiffers = 0;
    for (const end of [150, 151, 152, 170, 171, 230, 399]) {
      const base = last < 0 ? 0 : Math.max(0, last + 1 - shape.maxDepth);
      const slice = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { offset: 0, values: v.subarray(base, end + 1) }]));
      const run: CarryRun = { base, resumeAt: last < 0 ? -1 : last + 1, states, saveAfter: end, saved: [] };
      const first = last + 1;
      ev.evaluateInto({ length: end + 1 - base, fields: slice }, (k, v, l, h) => {
        for (let r = Math.max(l + base, first); r < h + base; r++) expect(Object.is(v[r - base], full[k]![r]), `f${k} ${EXPRS[k]} row ${r}`).toBe(true);
      }, run);
      // the same rows from the bounded history alone, without the carried states
      if (last >= 0) {
        createPlanEvaluator(c.plan).evaluateInto({ length: end + 1 - base, fields: slice }, (k, v, l, h) => {
          for (let r = Math.max(l + base, first); r < h + base; r++) if (!Object.is(v[r - base], full[k]![r])) plainDiffers++;
        });
      }
      states = run.saved;
      last = end;
    }
    // the carried states matter: a bounded history alone misses the full history's last bits (or more, for EMA and expanding sums)
    expect(plainDiffers).toBeGreaterThan(0);
  });
});
