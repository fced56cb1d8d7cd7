/**
 * Geometry of the coverage heatmap: which trading days fall in which pixel column, where each
 * row sits, and hit-testing a pointer position back to cells. With more days than pixels, a column
 * covers several days and shows the most urgent state among them (see STATE_PRIORITY).
 */
import { COVERAGE_STATES } from '../../core/vocabulary/coverage-states.ts';
import type { CoverageState } from '../../core/vocabulary/coverage-states.ts';

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

/**
 * Which state a multi-day column shows: the most urgent one, so a single failed day in a year is
 * never hidden behind complete days. Indexed by state code; higher wins.
 */
export const STATE_PRIORITY: Readonly<Record<CoverageState, number>> = {
  running: 10,
  failed: 9,
  missing: 8,
  stale: 7,
  not_entitled: 6,
  degraded: 5,
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

/**
 * Axis labels at the first trading day of each month (or year, when months would crowd), skipping
 * any label closer than `minSpacing` pixels to the previous one.
 */
export function axisTicks(days: readonly string[], layout: HeatmapLayout, minSpacing = 44): AxisTick[] {
  if (days.length === 0) return [];
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7)) + 1;
  const byMonth = layout.width / months >= minSpacing * 0.8;
  const ticks: AxisTick[] = [];
  let lastX = -Infinity;
  let lastWidth = 0;
  let prevKey = '';
  for (let d = 0; d < days.length; d++) {
    const date = days[d] as string;
    const key = byMonth ? date.slice(0, 7) : date.slice(0, 4);
    if (key === prevKey) continue;
    prevKey = key;
    const x = columnExtent(layout, layout.dayColumn[d] as number)[0];
    const newYear = date.slice(5, 7) === '01' || d === 0;
    const label = byMonth ? (newYear ? `${MONTH_NAMES[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}` : (MONTH_NAMES[Number(date.slice(5, 7)) - 1] as string)) : date.slice(0, 4);
    const tick = { x, label, major: !byMonth || newYear };
    if (x - lastX < Math.max(minSpacing, lastWidth)) {
      // The range usually starts mid-period: a crowded first label gives way to the full period after it.
      if (ticks.length === 1 && d > 0) {
        // It becomes the first label, so it names the year too.
        const first = byMonth && !newYear ? { ...tick, label: `${label} ${date.slice(0, 4)}`, major: true } : tick;
        ticks[0] = first;
        lastX = x;
        lastWidth = labelWidth(first.label);
      }
      continue;
    }
    ticks.push(tick);
    lastX = x;
    lastWidth = labelWidth(label);
  }
  return ticks;
}
