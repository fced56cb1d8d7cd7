import { addDays, isTradingDay, latestPublishedTradingDay } from '../calendar/index.ts';
import { defaultRegistry, type DatasetRegistry } from '../datasets/index.ts';
import { COVERAGE_STATES, isGapState, type CoverageState } from '../vocabulary/coverage-states.ts';
import { listDataFileDates } from './data-file-listing.ts';
import type { Layer } from './lake-paths.ts';
import { createLineageReader, outdatedReason, type LineageReader } from './lineage.ts';
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
  /** The registry (default: the built-in datasets with default settings). */
  registry?: DatasetRegistry;
  /** A lineage reader to share with other calls over the same lake state. */
  lineage?: LineageReader;
}

/** What coverage knows about one trading day, before it is turned into a state. */
export interface DayEvidence {
  date: string;
  firstDate: string | null;
  latestPublished: string;
  running: boolean;
  record: Pick<IndexedRecord, 'status' | 'rows' | 'bytes' | 'lastError'> | null;
  /** Why a present partition is out of date (an input changed, an older builder), or null/absent when it is not. */
  staleReason?: string | null;
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
    if (e.staleReason) return { state: 'stale', lastError: e.staleReason };
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

/**
 * Dataset x day coverage for one layer; fast enough for 10 datasets x 20 years per UI request.
 * Every present partition is checked against its lineage (stale when an input changed or its
 * builder is older, or when something it reads is stale itself: staleness flows downstream), and a partition that does not exist says why when its input failed to arrive
 * ("download failed: ..."), so a failure upstream is visible in every layer's view.
 */
export async function computeCoverage(opts: CoverageOptions): Promise<DatasetCoverage[]> {
  if (opts.from > opts.to) throw new RangeError(`coverage range is empty: ${opts.from} is after ${opts.to}`);
  const registry = opts.registry ?? defaultRegistry();
  const now = opts.now ?? new Date();
  const latestPublished = latestPublishedTradingDay(now);
  const days = calendarDays(opts.from, opts.to);
  const reader = opts.lineage ?? createLineageReader(opts.lakeRoot);
  const out: DatasetCoverage[] = [];
  for (const dataset of opts.datasets) {
    const entry = registry.get(dataset);
    const spec = registry.layer(dataset, opts.layer);
    const firstDate = [entry.firstDate, opts.historyStart ?? null].reduce<string | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    const records = loadRecordIndex(opts.lakeRoot, opts.layer, dataset, opts.from, opts.to);
    const files = listDataFileDates(opts.lakeRoot, opts.layer, dataset, opts.from, opts.to, spec.storage);
    const scheduled = entry.partitionDates ? new Set(registry.partitionDates(dataset, opts.from, opts.to)) : null;
    const upstream = spec.inputs.filter((m) => m.window.kind === 'same-day');
    const counts = emptyCounts();
    const cells: CoverageCell[] = new Array(days.length);
    const running = opts.running && opts.running.size > 0 ? opts.running : null;
    const runningPrefix = `${dataset}|${opts.layer}|`;
    for (let i = 0; i < days.length; i++) {
      const { date, trading } = days[i]!;
      let cell: CoverageCell;
      if (!trading || (scheduled && !scheduled.has(date) && !records.has(date))) {
        cell = { date, state: 'non_trading', rows: null, bytes: null, lastError: null };
      } else {
        const record = records.get(date) ?? null;
        const ref = { dataset, layer: opts.layer, date };
        const present = record && (record.status === 'complete' || record.status === 'degraded');
        const evidence: DayEvidence = {
          date,
          firstDate,
          latestPublished,
          running: running ? running.has(`${runningPrefix}${date}`) : false,
          record,
          fileExists: files ? files.has(date) : null,
          staleReason: present ? outdatedReason(registry, reader, ref, record) : null,
        };
        let { state, lastError } = deriveState(evidence);
        if (state === 'missing' && !record) {
          // Nothing built here yet: if its input failed to arrive, that is the story to tell.
          for (const m of upstream) {
            const input = reader.record({ dataset: m.dataset, layer: m.layer, date });
            if (input && (input.status === 'failed' || input.status === 'not_entitled')) {
              state = input.status;
              lastError = `${registry.layer(m.dataset, m.layer).job} failed: ${input.lastError ?? input.status}`;
              break;
            }
          }
        }
        const shown = state === 'complete' || state === 'degraded' || state === 'stale';
        cell = { date, state, rows: shown ? (record?.rows ?? null) : null, bytes: shown ? (record?.bytes ?? null) : null, lastError };
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
