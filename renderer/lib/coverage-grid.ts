/**
 * The coverage heatmap's data model. `lake.coverage` sends one digit per CALENDAR day; the heatmap
 * draws one column per NYSE trading day (weekends and holidays are not drawn), so this turns the
 * codes into per-row state arrays indexed by trading day, using the same rule-based calendar as
 * the backend. Also: applying live `coverage.changed` events to a cached view, and the gap list.
 */
import { parseIsoDate } from '../../core/calendar/iso-date.ts';
import { tradingDays } from '../../core/calendar/trading-days.ts';
import type { CoverageView } from '../../core/contract/contract-views.ts';
import { COVERAGE_STATES, isGapState } from '../../core/vocabulary/coverage-states.ts';
import type { CoverageState } from '../../core/vocabulary/coverage-states.ts';

/** Index of each state in COVERAGE_STATES (the digit used in `codes`). */
export const STATE_CODE = Object.fromEntries(COVERAGE_STATES.map((s, i) => [s, i])) as Record<CoverageState, number>;

const ZERO = 48;
const OUT_OF_RANGE = STATE_CODE.out_of_range;

export interface CoverageGrid {
  from: string;
  to: string;
  layer: CoverageView['layer'];
  datasets: string[];
  /** Trading dates from `from` to `to`, ascending. */
  days: string[];
  /** Per dataset row: the state code of each trading day (same index as `days`). */
  states: Uint8Array[];
}

function sameMonth(a: string, b: string): boolean {
  for (let i = 0; i < 7; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

function dayOfMonth(date: string): number {
  return (date.charCodeAt(8) - ZERO) * 10 + date.charCodeAt(9) - ZERO;
}

/** Builds the trading-day grid from a coverage view. */
export function buildCoverageGrid(view: CoverageView): CoverageGrid {
  const days = tradingDays(view.from, view.to);
  const origin = parseIsoDate(view.from);
  const offsets = new Int32Array(days.length);
  let prev = '';
  for (let i = 0; i < days.length; i++) {
    const day = days[i] as string;
    // Within a month the offset follows from the day of the month; parsing every date of 20 years
    // on the first (unoptimised) run costs several milliseconds of the heatmap's first draw.
    offsets[i] = i > 0 && sameMonth(day, prev) ? (offsets[i - 1] as number) + dayOfMonth(day) - dayOfMonth(prev) : parseIsoDate(day) - origin;
    prev = day;
  }
  const states = view.rows.map((row) => {
    const out = new Uint8Array(days.length);
    const codes = row.codes;
    for (let i = 0; i < days.length; i++) {
      const code = codes.charCodeAt(offsets[i] as number) - ZERO;
      // A short or malformed codes string must not paint a wrong state; show the day as unknown history.
      out[i] = code >= 0 && code < COVERAGE_STATES.length ? code : OUT_OF_RANGE;
    }
    return out;
  });
  return { from: view.from, to: view.to, layer: view.layer, datasets: view.rows.map((r) => r.dataset), days, states };
}

/** The state at (row, trading-day index). */
export function stateAt(grid: CoverageGrid, row: number, day: number): CoverageState {
  return COVERAGE_STATES[grid.states[row]?.[day] ?? OUT_OF_RANGE] as CoverageState;
}

/** Index of a trading date in the grid, or -1 when it is not a drawn day. */
export function dayIndexOf(grid: CoverageGrid, date: string): number {
  let lo = 0;
  let hi = grid.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((grid.days[mid] as string) < date) lo = mid + 1;
    else hi = mid;
  }
  return grid.days[lo] === date ? lo : -1;
}

export interface CoverageChange {
  dataset: string;
  layer: CoverageView['layer'];
  date: string;
  state: CoverageState;
}

/**
 * Applies live state changes to a cached view (returns the same object when nothing applies), so a
 * running backfill repaints cells without refetching the whole range.
 */
export function patchCoverageView(view: CoverageView, changes: readonly CoverageChange[]): CoverageView {
  const origin = parseIsoDate(view.from);
  let rows = view.rows;
  for (const change of changes) {
    if (change.layer !== view.layer || change.date < view.from || change.date > view.to) continue;
    const r = rows.findIndex((row) => row.dataset === change.dataset);
    const row = rows[r];
    const code = STATE_CODE[change.state];
    if (!row || code === undefined) continue;
    const at = parseIsoDate(change.date) - origin;
    const old = row.codes.charCodeAt(at) - ZERO;
    if (old === code) continue;
    const codes = row.codes.slice(0, at) + String.fromCharCode(ZERO + code) + row.codes.slice(at + 1);
    const counts = { ...row.counts };
    const oldState = COVERAGE_STATES[old];
    if (oldState && counts[oldState]) counts[oldState] = (counts[oldState] as number) - 1;
    counts[change.state] = (counts[change.state] ?? 0) + 1;
    if (rows === view.rows) rows = [...view.rows];
    rows[r] = { ...row, codes, counts };
  }
  return rows === view.rows ? view : { ...view, rows };
}

/** A run of consecutive trading days in one row sharing one gap state. */
export interface GapRun {
  row: number;
  dataset: string;
  state: CoverageState;
  /** Inclusive trading-day indexes. */
  dayStart: number;
  dayEnd: number;
  from: string;
  to: string;
}

/** Gaps (states that should be complete but are not), grouped into runs, newest first; stops at `limit`. */
export function gapRuns(grid: CoverageGrid, limit: number): { runs: GapRun[]; total: number } {
  const all: GapRun[] = [];
  grid.states.forEach((states, row) => {
    let start = -1;
    for (let day = 0; day <= states.length; day++) {
      const code = day < states.length ? (states[day] as number) : -1;
      const prev = start >= 0 ? (states[start] as number) : -1;
      if (start >= 0 && code !== prev) {
        all.push({
          row,
          dataset: grid.datasets[row] as string,
          state: COVERAGE_STATES[prev] as CoverageState,
          dayStart: start,
          dayEnd: day - 1,
          from: grid.days[start] as string,
          to: grid.days[day - 1] as string,
        });
        start = -1;
      }
      if (start < 0 && code >= 0 && isGapState(COVERAGE_STATES[code] as CoverageState)) start = day;
    }
  });
  all.sort((a, b) => (a.to === b.to ? a.row - b.row : a.to < b.to ? 1 : -1));
  return { runs: all.slice(0, limit), total: all.length };
}

/** Count of each state over the whole grid (trading days only). */
export function gridCounts(grid: CoverageGrid): Partial<Record<CoverageState, number>> {
  const counts = new Array<number>(COVERAGE_STATES.length).fill(0);
  for (const states of grid.states) for (let i = 0; i < states.length; i++) counts[states[i] as number]! += 1;
  const out: Partial<Record<CoverageState, number>> = {};
  COVERAGE_STATES.forEach((s, i) => {
    if (counts[i]) out[s] = counts[i];
  });
  return out;
}
