/**
 * Geometry of the coverage heatmap: which trading days fall in which pixel column, where each
 * row sits, and hit-testing a pointer position back to cells. With more days than pixels, a column
 * covers several days and shows the most urgent state among them (see STATE_PRIORITY).
 */
import { COVERAGE_STATES } from '../../core/vocabulary/coverage-states.ts';
import type { PaletteState } from './coverage-colors.ts';

export interface HeatmapLayout {
  width: number;
  height: number;
  rowCount: number;
  dayCount: number;
  columns: number;
  rowHeight: number;
  rowGap: number;
  /** First day of each column; `columnStart[columns] === dayCount`. */
  columnStart: Int32Array;
  /** Column of each day. */
  dayColumn: Int32Array;
  /** Whether columns are wide enough to leave a 1px gap between cells. */
  gapped: boolean;
}

export const ROW_HEIGHT = 26;
export const ROW_GAP = 6;
const MIN_GAPPED_WIDTH = 5;

/** Lays out `dayCount` trading days in `width` CSS pixels for `rowCount` rows. */
export function layoutHeatmap(dayCount: number, rowCount: number, width: number, rowHeight = ROW_HEIGHT, rowGap = ROW_GAP): HeatmapLayout {
  const w = Math.max(1, Math.floor(width));
  const columns = Math.max(1, Math.min(dayCount, w));
  const columnStart = new Int32Array(columns + 1);
  for (let c = 0; c <= columns; c++) columnStart[c] = Math.floor((c * dayCount) / columns);
  const dayColumn = new Int32Array(dayCount);
  for (let c = 0; c < columns; c++) {
    for (let d = columnStart[c] as number; d < (columnStart[c + 1] as number); d++) dayColumn[d] = c;
  }
  return {
    width: w,
    height: rowCount > 0 ? rowCount * rowHeight + (rowCount - 1) * rowGap : 0,
    rowCount,
    dayCount,
    columns,
    rowHeight,
    rowGap,
    columnStart,
    dayColumn,
    gapped: w / columns >= MIN_GAPPED_WIDTH,
  };
}

/** Horizontal extent [x0, x1) of a column in CSS pixels (before the optional 1px gap). */
export function columnExtent(layout: HeatmapLayout, column: number): [number, number] {
  const step = layout.width / layout.columns;
  return [column * step, (column + 1) * step];
}

/** Top of a row in CSS pixels. */
export function rowTop(layout: HeatmapLayout, row: number): number {
  return row * (layout.rowHeight + layout.rowGap);
}

/** The days [dayStart, dayEnd] (inclusive) a column covers. */
export function columnDays(layout: HeatmapLayout, column: number): { dayStart: number; dayEnd: number } {
  return { dayStart: layout.columnStart[column] as number, dayEnd: (layout.columnStart[column + 1] as number) - 1 };
}

export interface HeatmapHit {
  row: number;
  column: number;
  dayStart: number;
  dayEnd: number;
}

/** The cell under (x, y) in CSS pixels relative to the heatmap's top-left; row gaps snap to the row above. */
export function hitTest(layout: HeatmapLayout, x: number, y: number): HeatmapHit | null {
  if (layout.dayCount === 0 || layout.rowCount === 0) return null;
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height + layout.rowGap) return null;
  const column = Math.min(layout.columns - 1, Math.floor((x * layout.columns) / layout.width));
  const row = Math.min(layout.rowCount - 1, Math.floor(y / (layout.rowHeight + layout.rowGap)));
  return { row, column, ...columnDays(layout, column) };
}

/** The cell (its whole column) holding `day` in `row`. */
export function cellAt(layout: HeatmapLayout, row: number, day: number): HeatmapHit {
  const column = layout.dayColumn[Math.max(0, Math.min(layout.dayCount - 1, day))] ?? 0;
  return { row, column, ...columnDays(layout, column) };
}

/**
 * The keyboard cursor's next day: the first day of the column `dColumns` columns away from the
 * one holding `day`, clamped to the drawn columns. With one column per day this is day +- n; in a
 * compressed view each step moves one drawn column, whatever number of days it covers.
 */
export function stepColumns(layout: HeatmapLayout, day: number, dColumns: number): number {
  if (layout.dayCount === 0) return 0;
  const from = layout.dayColumn[Math.max(0, Math.min(layout.dayCount - 1, day))] ?? 0;
  const to = Math.max(0, Math.min(layout.columns - 1, from + dColumns));
  return layout.columnStart[to] as number;
}

/**
 * Which state a multi-day column shows: the most urgent one, so a single failed day in a year is
 * never hidden behind complete days. Indexed by state code; higher wins.
 */
export const STATE_PRIORITY: Readonly<Record<PaletteState, number>> = {
  running: 10,
  failed: 9,
  missing: 8,
  not_entitled: 7,
  degraded: 6,
  stale: 5,
  pending: 4,
  complete: 3,
  out_of_range: 2,
  non_trading: 1,
};

const PRIORITY_BY_CODE = Uint8Array.from(COVERAGE_STATES.map((s) => STATE_PRIORITY[s]));

/** The state code a column shows for days [dayStart, dayEnd] of a row. */
export function aggregateCode(states: Uint8Array, dayStart: number, dayEnd: number): number {
  let best = states[dayStart] as number;
  let bestPriority = PRIORITY_BY_CODE[best] as number;
  for (let d = dayStart + 1; d <= dayEnd; d++) {
    const code = states[d] as number;
    const p = PRIORITY_BY_CODE[code] as number;
    if (p > bestPriority) {
      best = code;
      bestPriority = p;
    }
  }
  return best;
}

export interface AxisTick {
  x: number;
  label: string;
  major: boolean;
}

/** Rough width of an 11px axis label in pixels (bold digits and capitals run about 7px). */
function labelWidth(label: string): number {
  return label.length * 7 + 10;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Year label steps, smallest first: every year, every 2, 5, 10 or 20 years. */
const YEAR_STEPS = [1, 2, 5, 10, 20] as const;

/**
 * Axis ticks at the first trading day of each month, or of each year when months would crowd.
 * Month labels closer than `minSpacing` pixels to the previous one are skipped. Year labels are
 * thinned to round steps (every 2, 5, 10 or 20 years, whichever first leaves room), and the years
 * in between keep an unlabelled minor tick, so long ranges read 2010, 2015, 2020 instead of labels
 * written over each other.
 */
export function axisTicks(days: readonly string[], layout: HeatmapLayout, minSpacing = 44): AxisTick[] {
  if (days.length === 0) return [];
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7)) + 1;
  if (layout.width / months >= minSpacing * 0.8) return fitTicks(monthTicks(days, layout, minSpacing), layout.width);
  // Trading days per year vary by a day or two: a 5% margin keeps every pair of labels apart.
  const pxPerYear = (layout.width / months) * 12;
  const room = Math.max(minSpacing, labelWidth('2024')) * 1.05;
  const step: number = YEAR_STEPS.find((s) => pxPerYear * s >= room) ?? 20;
  const starts: Array<{ x: number; year: string }> = [];
  let prevYear = first.slice(0, 4);
  // The range's first day starts a year only when it is that year's first trading day (in January).
  const startsYear = first.slice(5, 7) === '01' && Number(first.slice(8, 10)) <= 7;
  for (let d = 0; d < days.length; d++) {
    const year = (days[d] as string).slice(0, 4);
    if (d > 0 && year === prevYear) continue;
    prevYear = year;
    if (d > 0 || startsYear) starts.push({ x: columnExtent(layout, layout.dayColumn[d] as number)[0], year });
  }
  // A range shorter than one step still names its first year.
  const anyLabelled = starts.some((t) => Number(t.year) % step === 0);
  return fitTicks(
    starts.map((t, i) => {
      const labelled = Number(t.year) % step === 0 || (!anyLabelled && i === 0);
      return { x: t.x, label: labelled ? t.year : '', major: labelled };
    }),
    layout.width,
  );
}

function monthTicks(days: readonly string[], layout: HeatmapLayout, minSpacing: number): AxisTick[] {
  const ticks: AxisTick[] = [];
  let lastX = -Infinity;
  let lastWidth = 0;
  let prevKey = '';
  // Only the range's own first label (usually a partial month) may give way to the month after it.
  let firstIsRangeStart = false;
  for (let d = 0; d < days.length; d++) {
    const date = days[d] as string;
    const key = date.slice(0, 7);
    if (key === prevKey) continue;
    prevKey = key;
    const x = columnExtent(layout, layout.dayColumn[d] as number)[0];
    const newYear = date.slice(5, 7) === '01' || d === 0;
    const month = MONTH_NAMES[Number(date.slice(5, 7)) - 1] as string;
    const label = newYear ? `${month} ${date.slice(0, 4)}` : month;
    const tick = { x, label, major: newYear };
    if (x - lastX < Math.max(minSpacing, lastWidth)) {
      if (ticks.length === 1 && firstIsRangeStart && d > 0) {
        // It becomes the first label, so it names the year too.
        const firstTick = newYear ? tick : { ...tick, label: `${label} ${date.slice(0, 4)}`, major: true };
        ticks[0] = firstTick;
        firstIsRangeStart = false;
        lastX = x;
        lastWidth = labelWidth(firstTick.label);
      }
      continue;
    }
    if (ticks.length === 0) firstIsRangeStart = d === 0;
    ticks.push(tick);
    lastX = x;
    lastWidth = labelWidth(label);
  }
  return ticks;
}

/** Drops labels that would run past the plot's right edge (their tick mark stays, unlabelled). */
export function fitTicks(ticks: readonly AxisTick[], width: number): AxisTick[] {
  return ticks.map((t, i) => (t.label && t.x + labelWidth(t.label) > width && i > 0 ? { x: t.x, label: '', major: false } : t));
}
