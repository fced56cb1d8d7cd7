import { describe, expect, it } from 'vitest';
import type { CoverageView } from '../../../core/contract/contract-views.ts';
import { addDays, tradingDays } from '../../../core/calendar/index.ts';
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import { buildCoverageGrid, dayIndexOf, gapRuns, gridCounts, patchCoverageView, stateAt } from '../../../renderer/lib/coverage-grid.ts';

const code = (s: CoverageState) => String(COVERAGE_STATES.indexOf(s));

/** Codes for every calendar day from..to: non_trading on closed days, `pick(date)` otherwise. */
function codesFor(from: string, to: string, pick: (date: string) => CoverageState): string {
  const open = new Set(tradingDays(from, to));
  let out = '';
  for (let d = from; d <= to; d = addDays(d, 1)) out += code(open.has(d) ? pick(d) : 'non_trading');
  return out;
}

function view(from: string, to: string, rows: Record<string, (date: string) => CoverageState>): CoverageView {
  return {
    from,
    to,
    layer: 'bronze',
    elapsedMs: 1,
    rows: Object.entries(rows).map(([dataset, pick]) => ({ dataset, layer: 'bronze', codes: codesFor(from, to, pick), counts: {}, watermark: null })),
  };
}

describe('buildCoverageGrid', () => {
  it('keeps trading days only, skipping weekends and NYSE holidays', () => {
    // 2024-03-25 (Mon) .. 2024-04-02 (Tue); Good Friday 2024-03-29 is closed.
    const grid = buildCoverageGrid(view('2024-03-25', '2024-04-02', { stocks_daily: () => 'complete' }));
    expect(grid.days).toEqual(['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28', '2024-04-01', '2024-04-02']);
    expect([...grid.states[0]!].every((c) => c === COVERAGE_STATES.indexOf('complete'))).toBe(true);
  });

  it('reads each trading day from its calendar offset in codes', () => {
    const grid = buildCoverageGrid(
      view('2024-03-25', '2024-04-02', {
        stocks_daily: (d) => (d === '2024-04-01' ? 'missing' : d === '2024-03-28' ? 'failed' : 'complete'),
        options_daily: (d) => (d < '2024-03-27' ? 'out_of_range' : 'degraded'),
      }),
    );
    expect(stateAt(grid, 0, dayIndexOf(grid, '2024-04-01'))).toBe('missing');
    expect(stateAt(grid, 0, dayIndexOf(grid, '2024-03-28'))).toBe('failed');
    expect(stateAt(grid, 1, 0)).toBe('out_of_range');
    expect(stateAt(grid, 1, 2)).toBe('degraded');
    expect(dayIndexOf(grid, '2024-03-29')).toBe(-1);
    expect(gridCounts(grid)).toEqual({ complete: 4, missing: 1, failed: 1, degraded: 4, out_of_range: 2 });
  });

  it('treats a short codes string as unknown history instead of a wrong state', () => {
    const v = view('2024-03-25', '2024-03-27', { stocks_daily: () => 'complete' });
    v.rows[0]!.codes = v.rows[0]!.codes.slice(0, 1);
    const grid = buildCoverageGrid(v);
    expect(stateAt(grid, 0, 0)).toBe('complete');
    expect(stateAt(grid, 0, 2)).toBe('out_of_range');
  });

  it('builds the grid of 10 datasets x 20 years (its speed is measured in npm run bench)', () => {
    const rows = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`d${i}`, (d: string) => (d.endsWith('5') ? 'missing' : 'complete') as CoverageState]));
    const v = view('2006-01-01', '2025-12-31', rows);
    const grid = buildCoverageGrid(v);
    expect(grid.days.length).toBeGreaterThan(5000);
    expect(grid.states).toHaveLength(10);
    const col = grid.days.findIndex((d) => d.endsWith('5'));
    expect(stateAt(grid, 3, col)).toBe('missing');
    expect(stateAt(grid, 3, col + 1)).toBe('complete');
  });
});

describe('patchCoverageView', () => {
  const base = view('2024-03-25', '2024-03-28', { stocks_daily: () => 'missing', options_daily: () => 'complete' });

  it('repaints one day and adjusts its row counts', () => {
    const input = { ...base, rows: base.rows.map((r) => ({ ...r, counts: { missing: 4 } })) };
    const patched = patchCoverageView(input, [
      { dataset: 'stocks_daily', layer: 'bronze', date: '2024-03-26', state: 'running' },
    ]);
    const grid = buildCoverageGrid(patched);
    expect(stateAt(grid, 0, 1)).toBe('running');
    expect(stateAt(grid, 0, 0)).toBe('missing');
    expect(patched.rows[0]!.counts).toEqual({ missing: 3, running: 1 });
    expect(patched.rows[1]).toBe(input.rows[1]);
  });

  it('returns the same object when nothing applies (other layer, outside range, unknown dataset, same state)', () => {
    expect(
      patchCoverageView(base, [
        { dataset: 'stocks_daily', layer: 'landing', date: '2024-03-26', state: 'complete' },
        { dataset: 'stocks_daily', layer: 'bronze', date: '2024-04-10', state: 'complete' },
        { dataset: 'nope', layer: 'bronze', date: '2024-03-26', state: 'complete' },
        { dataset: 'stocks_daily', layer: 'bronze', date: '2024-03-26', state: 'missing' },
      ]),
    ).toBe(base);
  });
});

describe('gapRuns', () => {
  it('groups consecutive gap days of one state, newest first, and skips complete/out_of_range', () => {
    const grid = buildCoverageGrid(
      view('2024-03-25', '2024-04-05', {
        a: (d) => (d >= '2024-03-26' && d <= '2024-04-01' ? 'missing' : d === '2024-04-03' ? 'failed' : 'complete'),
        b: (d) => (d < '2024-04-01' ? 'out_of_range' : d === '2024-04-05' ? 'pending' : 'complete'),
      }),
    );
    const { runs, total } = gapRuns(grid, 10);
    expect(total).toBe(3);
    expect(runs.map((r) => [r.dataset, r.state, r.from, r.to])).toEqual([
      ['b', 'pending', '2024-04-05', '2024-04-05'],
      ['a', 'failed', '2024-04-03', '2024-04-03'],
      // Good Friday (03-29) is not a trading day, so the run spans it.
      ['a', 'missing', '2024-03-26', '2024-04-01'],
    ]);
    expect(runs[2]!.dayEnd - runs[2]!.dayStart + 1).toBe(4);
    expect(gapRuns(grid, 1).runs).toHaveLength(1);
  });
});
