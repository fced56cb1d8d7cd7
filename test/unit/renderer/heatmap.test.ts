import { describe, expect, it } from 'vitest';
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageGrid } from '../../../renderer/lib/coverage-grid.ts';
import { aggregateCode, axisTicks, cellAt, columnDays, columnExtent, hitTest } from '../../../renderer/lib/heatmap-layout.ts';
import { layoutHeatmap } from '../../../renderer/lib/heatmap-layout.ts';
import { ROW_GAP, ROW_HEIGHT, rowTop, stepColumns } from '../../../renderer/lib/heatmap-layout.ts';
import { clampSelection, moveCursor, selectionCells, selectionContains, selectionSize, spanSelection } from '../../../renderer/lib/heatmap-selection.ts';

const c = (s: CoverageState) => COVERAGE_STATES.indexOf(s);

describe('layoutHeatmap', () => {
  it('gives each day its own column when there is room', () => {
    const l = layoutHeatmap(20, 3, 400);
    expect(l.columns).toBe(20);
    expect(l.gapped).toBe(true);
    expect(columnExtent(l, 3)).toEqual([60, 80]);
    expect(columnDays(l, 3)).toEqual({ dayStart: 3, dayEnd: 3 });
    expect(l.height).toBe(3 * ROW_HEIGHT + 2 * ROW_GAP);
  });

  it('packs several days per column when days outnumber pixels, covering every day exactly once', () => {
    const l = layoutHeatmap(5040, 10, 1000);
    expect(l.columns).toBe(1000);
    expect(l.gapped).toBe(false);
    let covered = 0;
    for (let col = 0; col < l.columns; col++) {
      const { dayStart, dayEnd } = columnDays(l, col);
      expect(dayStart).toBe(covered);
      covered = dayEnd + 1;
      for (let d = dayStart; d <= dayEnd; d++) expect(l.dayColumn[d]).toBe(col);
    }
    expect(covered).toBe(5040);
  });

  it('hit-tests positions back to cells; row gaps snap to the row above', () => {
    const l = layoutHeatmap(5040, 10, 1000);
    const hit = hitTest(l, 500.5, rowTop(l, 4) + 3);
    expect(hit?.row).toBe(4);
    expect(hit?.column).toBe(500);
    expect(hit?.dayStart).toBe(2520);
    expect(hit?.dayEnd).toBe(2524);
    expect(hitTest(l, 10, rowTop(l, 1) - 2)?.row).toBe(0);
    expect(hitTest(l, -1, 5)).toBeNull();
    expect(hitTest(l, 1000, 5)).toBeNull();
    expect(hitTest(layoutHeatmap(0, 3, 500), 1, 1)).toBeNull();
  });
});

describe('aggregateCode', () => {
  it('shows the most urgent state of a multi-day column', () => {
    const states = Uint8Array.from([c('complete'), c('complete'), c('degraded'), c('failed'), c('complete'), c('running')]);
    expect(aggregateCode(states, 0, 1)).toBe(c('complete'));
    expect(aggregateCode(states, 0, 2)).toBe(c('degraded'));
    expect(aggregateCode(states, 0, 4)).toBe(c('failed'));
    expect(aggregateCode(states, 0, 5)).toBe(c('running'));
    expect(aggregateCode(Uint8Array.from([c('out_of_range'), c('complete')]), 0, 1)).toBe(c('complete'));
  });
});

describe('axisTicks', () => {
  it('labels months for short ranges and years for long ones, never crowding', () => {
    const days = ['2024-03-28', '2024-04-01', '2024-04-02', '2024-05-01', '2024-05-02', '2024-06-03'];
    const l = layoutHeatmap(days.length, 1, 600);
    const ticks = axisTicks(days, l);
    expect(ticks.map((t) => t.label)).toEqual(['Mar 2024', 'Apr', 'May', 'Jun']);
    // A range starting a few days before a month end: the crowded partial month gives way to the next, with its year.
    const late = ['2026-08-27', '2026-08-28', '2026-08-31', ...Array.from({ length: 40 }, (_, i) => `2026-${i < 20 ? '09' : '10'}-${String((i % 20) + 1).padStart(2, '0')}`)];
    expect(axisTicks(late, layoutHeatmap(late.length, 1, 400)).map((t) => t.label)).toEqual(['Sep 2026', 'Oct']);
    const years = Array.from({ length: 20 }, (_, i) => [`${2006 + i}-01-03`, `${2006 + i}-06-01`]).flat();
    const long = axisTicks(years, layoutHeatmap(years.length, 1, 300), 44).filter((t) => t.label);
    expect(long.every((t) => /^\d{4}$/.test(t.label))).toBe(true);
    for (let i = 1; i < long.length; i++) expect(long[i]!.x - long[i - 1]!.x).toBeGreaterThanOrEqual(44);
  });
});

/** Every NYSE-ish weekday from `from` for `years` years (weekends skipped; enough for axis geometry). */
function weekdays(from: string, years: number): string[] {
  const out: string[] = [];
  const end = Date.parse(`${Number(from.slice(0, 4)) + years}${from.slice(4)}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t < end; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

describe('axisTicks on long ranges at 1280 px', () => {
  // The heatmap's plot is about 730 px wide in a 1280 px window.
  it('thins 20 years to round steps, with a minor tick for every other year and no label past the edge', () => {
    const days = weekdays('2006-12-04', 20);
    const ticks = axisTicks(days, layoutHeatmap(days.length, 10, 730));
    const labelled = ticks.filter((t) => t.label);
    expect(labelled.map((t) => t.label)).toEqual(['2008', '2010', '2012', '2014', '2016', '2018', '2020', '2022', '2024']);
    expect(ticks.filter((t) => !t.label).length).toBeGreaterThan(8);
    for (let i = 1; i < labelled.length; i++) expect(labelled[i]!.x - labelled[i - 1]!.x).toBeGreaterThanOrEqual(44);
  });

  it('labels every year of a 5-year range, and every few years when the plot is narrow', () => {
    const days = weekdays('2021-12-02', 5);
    expect(axisTicks(days, layoutHeatmap(days.length, 4, 730)).map((t) => t.label)).toEqual(['2022', '2023', '2024', '2025', '2026']);
    const narrow = axisTicks(weekdays('2001-01-02', 25), layoutHeatmap(6000, 4, 400)).filter((t) => t.label);
    expect(narrow.map((t) => Number(t.label) % 5)).toEqual(narrow.map(() => 0));
  });

  it('keeps several month labels on a one-year range (a crowded first label gives way once, not in a cascade)', () => {
    const days = weekdays('2025-12-02', 1);
    const labels = axisTicks(days, layoutHeatmap(days.length, 2, 720)).map((t) => t.label).filter(Boolean);
    expect(labels.length).toBeGreaterThanOrEqual(6);
    expect(labels[0]).toMatch(/^(Dec 2025|Jan 2026)$/);
  });
});

describe('keyboard cursor over drawn columns', () => {
  it('steps one drawn column at a time in a compressed view and lands on each column\'s first day', () => {
    const l = layoutHeatmap(5040, 10, 1000);
    expect(stepColumns(l, 0, 1)).toBe(5);
    expect(stepColumns(l, 7, 1)).toBe(10);
    expect(stepColumns(l, 7, -1)).toBe(0);
    expect(stepColumns(l, 0, -3)).toBe(0);
    expect(stepColumns(l, 5039, 5)).toBe(5034);
    expect(cellAt(l, 3, 12)).toEqual({ row: 3, column: 2, dayStart: 10, dayEnd: 14 });
    const daily = layoutHeatmap(20, 2, 400);
    expect(stepColumns(daily, 4, 1)).toBe(5);
  });
});

describe('selection', () => {
  const grid: CoverageGrid = {
    from: '2024-03-25',
    to: '2024-03-28',
    layer: 'bronze',
    datasets: ['a', 'b', 'c'],
    days: ['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28'],
    states: [new Uint8Array(4), new Uint8Array(4), new Uint8Array(4)],
  };

  it('spans anchor and focus in any order, including multi-day columns', () => {
    const sel = spanSelection({ row: 2, dayStart: 3, dayEnd: 3 }, { row: 0, dayStart: 1, dayEnd: 2 });
    expect(sel).toEqual({ rowFrom: 0, rowTo: 2, dayFrom: 1, dayTo: 3 });
    expect(selectionSize(sel)).toBe(9);
    expect(selectionContains(sel, 1, 2)).toBe(true);
    expect(selectionContains(sel, 1, 0)).toBe(false);
    expect(selectionContains(null, 0, 0)).toBe(false);
  });

  it('expands into (dataset, date) cells', () => {
    expect(selectionCells(grid, { rowFrom: 1, rowTo: 2, dayFrom: 2, dayTo: 3 })).toEqual([
      { dataset: 'b', date: '2024-03-27' },
      { dataset: 'b', date: '2024-03-28' },
      { dataset: 'c', date: '2024-03-27' },
      { dataset: 'c', date: '2024-03-28' },
    ]);
  });

  it('clamps to a smaller grid and moves a keyboard cursor within bounds', () => {
    expect(clampSelection({ rowFrom: 1, rowTo: 5, dayFrom: 2, dayTo: 9 }, grid)).toEqual({ rowFrom: 1, rowTo: 2, dayFrom: 2, dayTo: 3 });
    expect(clampSelection({ rowFrom: 4, rowTo: 5, dayFrom: 0, dayTo: 1 }, grid)).toBeNull();
    expect(moveCursor({ row: 0, day: 0 }, -1, -1, 3, 4)).toEqual({ row: 0, day: 0 });
    expect(moveCursor({ row: 2, day: 3 }, 1, 1, 3, 4)).toEqual({ row: 2, day: 3 });
    expect(moveCursor({ row: 1, day: 1 }, 1, 1, 3, 4)).toEqual({ row: 2, day: 2 });
  });
});
