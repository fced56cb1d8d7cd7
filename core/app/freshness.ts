/**
 * The Today page's freshness: per enabled dataset, the latest complete trading day in bronze, how
 * far behind the latest published day that is, how many days of the lake's own history are gaps
 * (missing or failed, upstream failures included) or stale, and the recent days that need
 * attention, each linked to the run that last touched it.
 */
import fs from 'node:fs';
import { addDays, latestPublishedTradingDay, tradingDays } from '../calendar/index.ts';
import type { RequestOutput } from '../contract/contract.ts';
import type { CoverageView, DatasetFreshnessView } from '../contract/contract-views.ts';
import type { DatasetRegistry } from '../datasets/index.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { COVERAGE_STATES, type CoverageState } from '../vocabulary/coverage-states.ts';
import type { Layer } from '../vocabulary/layers.ts';
import { listRuns } from '../runtime/run-history.ts';

/** How far back the "latest complete" day is searched when the lake's history is shorter, and how far back alerts go. */
const LOOKBACK_DAYS = 400;
const ALERT_DAYS = 45;
/** The heatmap's own limit: history counted further back than this is not counted. */
const MAX_HISTORY_DAYS = 366 * 25 - 1;
const ALERT_STATES = new Set<CoverageState>(['failed', 'degraded', 'not_entitled']);
/** Days that should hold data and do not: a hole a backfill fills. */
const GAP_STATES = new Set<CoverageState>(['missing', 'failed']);

/** Options for freshness. */
export interface FreshnessInput {
  lakeRoot: string;
  datasets: string[];
  registry: DatasetRegistry;
  now: Date;
  coverage: (q: { layer: 'bronze'; from: string; to: string; datasets: string[] }) => Promise<CoverageView>;
  /** Cell detail (last error) for an alert. */
  cellError: (dataset: string, date: string) => Promise<string | null>;
}

function sortedNames(dir: string, pattern: RegExp): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => pattern.test(n)).sort();
  } catch {
    return [];
  }
}

/** The earliest day a layer has a partition record for (three small readdirs: year, month, day). */
export function earliestRecordDate(lakeRoot: string, layer: Layer, dataset: string): string | null {
  const base = lakePaths(lakeRoot).metadataDir(layer, dataset);
  for (const year of sortedNames(base, /^\d{4}$/)) {
    for (const month of sortedNames(`${base}/${year}`, /^\d{2}$/)) {
      const day = sortedNames(`${base}/${year}/${month}`, /^\d{4}-\d{2}-\d{2}\.json$/)[0];
      if (day) return day.slice(0, 10);
    }
  }
  return null;
}

/**
 * Where a dataset's history in this lake starts: its first partition record in bronze or in a
 * layer below it (a download that failed on the first day is a record too). Days before it are
 * history not fetched yet (the Today page offers a backfill for them), not holes, so they do not
 * count as gaps here.
 */
function historyStartOf(input: FreshnessInput, dataset: string): string | null {
  const layers = input.registry.get(dataset).layers.map((l) => l.layer);
  const upTo = layers.indexOf('bronze');
  const firsts = layers.slice(0, upTo + 1).map((l) => earliestRecordDate(input.lakeRoot, l, dataset)).filter((d): d is string => d !== null);
  return firsts.length > 0 ? firsts.sort()[0]! : null;
}

/** Builds the freshness view from bronze coverage and recent runs. */
export async function freshness(input: FreshnessInput): Promise<RequestOutput<'freshness.get'>> {
  const latestPublished = latestPublishedTradingDay(input.now);
  const datasets = input.datasets.filter((d) => input.registry.has(d) && input.registry.hasLayer(d, 'bronze'));
  const starts = new Map(datasets.map((d) => [d, historyStartOf(input, d)]));
  const earliest = [...starts.values()].filter((d): d is string => d !== null && d <= latestPublished).sort()[0];
  const floor = addDays(latestPublished, -MAX_HISTORY_DAYS);
  const lookback = addDays(latestPublished, -LOOKBACK_DAYS);
  const from = earliest && earliest < lookback ? (earliest < floor ? floor : earliest) : lookback;
  const alertFrom = addDays(latestPublished, -ALERT_DAYS);
  const coverage = await input.coverage({ layer: 'bronze', from, to: latestPublished, datasets });
  const runs = await listRuns(input.lakeRoot, 30);
  const runOf = (dataset: string, date: string): string | null => runs.find((r) => r.jobs.some((j) => j.dataset === dataset && j.dates.includes(date)))?.runId ?? null;

  const views = await Promise.all(
    coverage.rows.map(async (row): Promise<DatasetFreshnessView> => {
      const start = starts.get(row.dataset) ?? null;
      let lastComplete: string | null = null;
      let gaps = 0;
      let stale = 0;
      let first: string | null = null;
      let last: string | null = null;
      const alerts: DatasetFreshnessView['alerts'] = [];
      for (let i = row.codes.length - 1; i >= 0; i--) {
        const state = COVERAGE_STATES[Number(row.codes[i])]!;
        const date = addDays(from, i);
        if (!lastComplete && (state === 'complete' || state === 'degraded')) lastComplete = date;
        if (date >= alertFrom && ALERT_STATES.has(state)) alerts.push({ date, state, error: null, runId: runOf(row.dataset, date) });
        if (start === null || date < start) continue;
        const gap = GAP_STATES.has(state);
        if (gap) gaps += 1;
        if (state === 'stale') stale += 1;
        if (gap || state === 'stale') {
          first = date;
          last ??= date;
        }
      }
      for (const a of alerts.slice(0, 20)) a.error = await input.cellError(row.dataset, a.date).catch(() => null);
      const behind = lastComplete ? tradingDays(addDays(lastComplete, 1), latestPublished).length : null;
      return {
        dataset: row.dataset,
        title: input.registry.get(row.dataset).title,
        lastComplete,
        tradingDaysBehind: lastComplete === latestPublished ? 0 : behind,
        historyFrom: start,
        gaps,
        stale,
        attention: first && last ? { from: first, to: last } : null,
        alerts: alerts.slice(0, 20),
      };
    }),
  );
  return { latestPublished, datasets: views };
}
