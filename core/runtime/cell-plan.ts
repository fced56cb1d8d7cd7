/**
 * The plan for an explicit set of (dataset, trading day) cells: the Coverage page's backfill and
 * the Runs page's retry. A date range (buildUpdatePlan) covers every dataset on consecutive days;
 * a selection on the heatmap can be any scatter of cells, so the plan is built per selected day
 * with only the datasets selected on that day, and the day plans are merged into one.
 */
import { isTradingDay } from '../calendar/index.ts';
import { buildUpdatePlan, type UpdatePlan, type UpdatePlanOptions } from './update-plan.ts';

/** One cell of the heatmap. */
export interface PlanCell {
  dataset: string;
  date: string;
}

/** What buildCellPlan needs: buildUpdatePlan's options, with cells in place of dates and datasets. */
export interface CellPlanOptions extends Omit<UpdatePlanOptions, 'date' | 'daysBack' | 'datasets'> {
  cells: ReadonlyArray<PlanCell>;
}

/** Above this many days, sizes come from the registry instead of one S3 HEAD per file. */
const HEAD_LIMIT = 200;

/** Merges per-day plans into one plan (jobs keep their ids: kind-dataset-date is unique per run). */
function mergePlans(plans: readonly UpdatePlan[], datasets: string[]): UpdatePlan {
  const items = plans.flatMap((p) => p.items);
  const jobs = plans.flatMap((p) => p.jobs);
  return {
    dates: plans.flatMap((p) => p.dates),
    datasets,
    latestPublished: plans[0]?.latestPublished ?? '',
    items,
    jobs,
    totals: {
      downloads: jobs.filter((j) => j.kind === 'download').length,
      ingests: jobs.filter((j) => j.kind === 'ingest').length,
      estimatedDownloadBytes: plans.reduce((s, p) => s + p.totals.estimatedDownloadBytes, 0),
      upToDate: plans.reduce((s, p) => s + p.totals.upToDate, 0),
    },
  };
}

/** Groups cells by trading day, days and datasets sorted (non-trading days have nothing to build). */
function cellsByDay(cells: ReadonlyArray<PlanCell>): Map<string, string[]> {
  const byDay = new Map<string, Set<string>>();
  for (const { dataset, date } of cells) {
    if (!isTradingDay(date)) continue;
    const set = byDay.get(date) ?? new Set<string>();
    set.add(dataset);
    byDay.set(date, set);
  }
  return new Map([...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([d, s]) => [d, [...s].sort()]));
}

/** Builds one plan for a set of cells; HEAD size estimates only for selections of at most HEAD_LIMIT days. */
export async function buildCellPlan(opts: CellPlanOptions): Promise<UpdatePlan> {
  const { cells, access, ...rest } = opts;
  const byDay = cellsByDay(cells);
  const useHead = access && byDay.size <= HEAD_LIMIT ? access : undefined;
  const plans: UpdatePlan[] = [];
  for (const [date, datasets] of byDay) {
    plans.push(await buildUpdatePlan({ ...rest, ...(useHead ? { access: useHead } : {}), date, daysBack: 1, datasets }));
  }
  return mergePlans(plans, [...new Set(cells.map((c) => c.dataset))].sort());
}
