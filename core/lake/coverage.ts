import { addDays, isTradingDay, latestPublishedTradingDay } from '../calendar/index.ts';
import { isFlatFileDatasetId, flatFileDataset } from '../datasets/index.ts';
import { COVERAGE_STATES, isGapState, type CoverageState } from '../vocabulary/coverage-states.ts';
import { listDataFileDates } from './data-file-listing.ts';
import type { Layer } from './lake-paths.ts';
import { loadRecordIndex, type IndexedRecord } from './partition-index.ts';

/** One (dataset, layer, calendar day) of the heatmap. */
export interface CoverageCell {
  date: string;
  state: CoverageState;
  rows: number | null;
  bytes: number | null;
  lastError: string | null;
}

/** Coverage of one dataset in one layer over a date range. */
export interface DatasetCoverage {
  dataset: string;
  layer: Layer;
  from: string;
  to: string;
  /** One per calendar day, including non-trading days. */
  cells: CoverageCell[];
  counts: Record<CoverageState, number>;
  /** Last date up to which every trading day in range is complete (null if the first one is not). */
  watermark: string | null;
}

/** Options of computeCoverage. */
export interface CoverageOptions {
  lakeRoot: string;
  datasets: string[];
  layer: Layer;
  from: string;
  to: string;
  now?: Date;
  /** Partitions being worked on right now, as "dataset|layer|date". */
  running?: Set<string>;
  /** Start of the source's history (demo mode: the simulator's first date); earlier days are out_of_range. */
  historyStart?: string;
}

/** What coverage knows about one trading day, before it is turned into a state. */
export interface DayEvidence {
  date: string;
  firstDate: string | null;
  latestPublished: string;
  running: boolean;
  record: IndexedRecord | null;
  /** Whether the data file exists; null when the layer has no per-day file to check. */
  fileExists: boolean | null;
}

/** The coverage state of a trading day from its record, its file and the clock (rules in the architecture page, section 5). */
export function deriveState(e: DayEvidence): { state: CoverageState; lastError: string | null } {
  if (e.firstDate && e.date < e.firstDate) return { state: 'out_of_range', lastError: null };
  if (e.running) return { state: 'running', lastError: null };
  const rec = e.record;
  if (rec && (rec.status === 'complete' || rec.status === 'degraded')) {
    if (e.fileExists === false) return { state: 'missing', lastError: 'the record says the data was written, but the file is gone' };
    return { state: rec.status, lastError: rec.lastError };
  }
  if (e.date > e.latestPublished) return { state: 'pending', lastError: rec?.lastError ?? null };
  if (rec && (rec.status === 'failed' || rec.status === 'not_entitled')) return { state: rec.status, lastError: rec.lastError };
  return { state: 'missing', lastError: rec?.lastError ?? null };
}

const dayListCache = new Map<string, Array<{ date: string; trading: boolean }>>();

/** Every calendar day of a range with whether the NYSE trades, memoised (coverage asks for the same ranges repeatedly). */
function calendarDays(from: string, to: string): Array<{ date: string; trading: boolean }> {
  const key = `${from}|${to}`;
  let days = dayListCache.get(key);
  if (!days) {
    days = [];
    for (let d = from; d <= to; d = addDays(d, 1)) days.push({ date: d, trading: isTradingDay(d) });
    if (dayListCache.size > 32) dayListCache.clear();
    dayListCache.set(key, days);
  }
  return days;
}

function emptyCounts(): Record<CoverageState, number> {
  return Object.fromEntries(COVERAGE_STATES.map((s) => [s, 0])) as Record<CoverageState, number>;
}

/** The last date up to which every trading day (ignoring out-of-range days) is complete. */
export function watermarkOf(cells: readonly CoverageCell[]): string | null {
  let mark: string | null = null;
  for (const c of cells) {
    if (c.state === 'non_trading' || c.state === 'out_of_range') continue;
    if (c.state !== 'complete') break;
    mark = c.date;
  }
  return mark;
}

/** Dataset x day coverage for one layer; fast enough for 10 datasets x 20 years per UI request. */
export async function computeCoverage(opts: CoverageOptions): Promise<DatasetCoverage[]> {
  if (opts.from > opts.to) throw new RangeError(`coverage range is empty: ${opts.from} is after ${opts.to}`);
  const now = opts.now ?? new Date();
  const latestPublished = latestPublishedTradingDay(now);
  const days = calendarDays(opts.from, opts.to);
  const out: DatasetCoverage[] = [];
  for (const dataset of opts.datasets) {
    const registryFirst = isFlatFileDatasetId(dataset) ? flatFileDataset(dataset).firstDate : null;
    const firstDate = [registryFirst, opts.historyStart ?? null].reduce<string | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    const records = loadRecordIndex(opts.lakeRoot, opts.layer, dataset, opts.from, opts.to);
    const files = listDataFileDates(opts.lakeRoot, opts.layer, dataset, opts.from, opts.to);
    const counts = emptyCounts();
    const cells: CoverageCell[] = new Array(days.length);
    const running = opts.running && opts.running.size > 0 ? opts.running : null;
    const runningPrefix = `${dataset}|${opts.layer}|`;
    for (let i = 0; i < days.length; i++) {
      const { date, trading } = days[i]!;
      let cell: CoverageCell;
      if (!trading) {
        cell = { date, state: 'non_trading', rows: null, bytes: null, lastError: null };
      } else {
        const record = records.get(date) ?? null;
        const { state, lastError } = deriveState({
          date,
          firstDate,
          latestPublished,
          running: running ? running.has(`${runningPrefix}${date}`) : false,
          record,
          fileExists: files ? files.has(date) : null,
        });
        const present = state === 'complete' || state === 'degraded';
        cell = { date, state, rows: present ? (record?.rows ?? null) : null, bytes: present ? (record?.bytes ?? null) : null, lastError };
      }
      counts[cell.state]++;
      cells[i] = cell;
    }
    out.push({ dataset, layer: opts.layer, from: opts.from, to: opts.to, cells, counts, watermark: watermarkOf(cells) });
  }
  return out;
}

/** The gap list of a coverage: every day that should be complete and is not. */
export function gapsOf(coverage: DatasetCoverage): Array<{ date: string; state: CoverageState }> {
  return coverage.cells.filter((c) => isGapState(c.state)).map((c) => ({ date: c.date, state: c.state }));
}
