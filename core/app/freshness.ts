/**
 * The Today page's freshness: per enabled dataset, the last trading day bronze is complete up to,
 * how far behind the latest published day that is, and the recent days that need attention
 * (failed, degraded, not entitled), each linked to the run that last touched it.
 */
import { addDays, latestPublishedTradingDay, tradingDays } from '../calendar/index.ts';
import type { RequestOutput } from '../contract/contract.ts';
import type { CoverageView } from '../contract/contract-views.ts';
import { flatFileDataset } from '../datasets/index.ts';
import { COVERAGE_STATES, type CoverageState } from '../vocabulary/coverage-states.ts';
import { listRuns } from '../runtime/run-history.ts';

/** How far back the "last complete" day is searched, and how far back alerts go. */
const LOOKBACK_DAYS = 400;
const ALERT_DAYS = 45;
const ALERT_STATES = new Set<CoverageState>(['failed', 'degraded', 'not_entitled']);

/** Options for freshness. */
export interface FreshnessInput {
  lakeRoot: string;
  datasets: string[];
  now: Date;
  coverage: (q: { layer: 'bronze'; from: string; to: string; datasets: string[] }) => Promise<CoverageView>;
  /** Cell detail (last error) for an alert. */
  cellError: (dataset: string, date: string) => Promise<string | null>;
}

/** Builds the freshness view from bronze coverage and recent runs. */
export async function freshness(input: FreshnessInput): Promise<RequestOutput<'freshness.get'>> {
  const latestPublished = latestPublishedTradingDay(input.now);
  const from = addDays(latestPublished, -LOOKBACK_DAYS);
  const alertFrom = addDays(latestPublished, -ALERT_DAYS);
  const coverage = await input.coverage({ layer: 'bronze', from, to: latestPublished, datasets: input.datasets });
  const runs = await listRuns(input.lakeRoot, 30);
  const runOf = (dataset: string, date: string): string | null => runs.find((r) => r.jobs.some((j) => j.dataset === dataset && j.date === date))?.runId ?? null;

  const datasets = await Promise.all(
    coverage.rows.map(async (row) => {
      let lastComplete: string | null = null;
      const alerts: Array<{ date: string; state: CoverageState; error: string | null; runId: string | null }> = [];
      for (let i = row.codes.length - 1; i >= 0; i--) {
        const state = COVERAGE_STATES[Number(row.codes[i])]!;
        const date = addDays(from, i);
        if (!lastComplete && (state === 'complete' || state === 'degraded')) lastComplete = date;
        if (date >= alertFrom && ALERT_STATES.has(state)) alerts.push({ date, state, error: null, runId: runOf(row.dataset, date) });
      }
      for (const a of alerts.slice(0, 20)) a.error = await input.cellError(row.dataset, a.date).catch(() => null);
      const behind = lastComplete ? tradingDays(addDays(lastComplete, 1), latestPublished).length : null;
      return { dataset: row.dataset, title: flatFileDataset(row.dataset).title, lastComplete, tradingDaysBehind: lastComplete === latestPublished ? 0 : behind, alerts: alerts.slice(0, 20) };
    }),
  );
  return { latestPublished, datasets };
}
