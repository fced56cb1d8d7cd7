/**
 * What a backfill of selected heatmap cells would do, answered from coverage alone (no network):
 * which cells are already complete, how many downloads and ingests the rest need, and about how
 * many bytes would be downloaded. Sizes come from files of the same dataset already in the lake
 * (the best predictor of the next one), else from the registry's typical size.
 */
import type { BackfillEstimateView, CoverageView } from '../contract/contract-views.ts';
import { isTradingDay } from '../calendar/index.ts';
import { flatFileDataset } from '../datasets/index.ts';
import { COVERAGE_STATES, type CoverageState } from '../vocabulary/coverage-states.ts';

/** Input of estimateBackfill. */
export interface EstimateInput {
  layer: 'landing' | 'bronze';
  cells: ReadonlyArray<{ dataset: string; date: string }>;
  coverage: (q: { layer: 'landing' | 'bronze'; from: string; to: string; datasets: string[] }) => Promise<CoverageView>;
  /** Bytes of a typical existing landing file per dataset (null when there is none). */
  typicalLandingBytes: (dataset: string) => Promise<number | null>;
}

const PRESENT = new Set<CoverageState>(['complete', 'degraded']);
const NOTHING_TO_DO = new Set<CoverageState>(['non_trading', 'out_of_range']);

function stateAt(view: CoverageView, dataset: string, date: string): CoverageState | null {
  const row = view.rows.find((r) => r.dataset === dataset);
  if (!row) return null;
  const i = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${view.from}T00:00:00Z`)) / 86_400_000);
  const code = row.codes[i];
  return code === undefined ? null : COVERAGE_STATES[Number(code)] ?? null;
}

/** Estimates a backfill of the given cells. */
export async function estimateBackfill(input: EstimateInput): Promise<BackfillEstimateView> {
  const cells = input.cells.filter((c) => isTradingDay(c.date));
  if (cells.length === 0) return { days: 0, datasets: [], jobs: 0, estimatedBytes: 0, alreadyComplete: 0 };
  const dates = cells.map((c) => c.date).sort();
  const from = dates[0]!;
  const to = dates[dates.length - 1]!;
  const datasets = [...new Set(cells.map((c) => c.dataset))].sort();
  const [target, landing] = await Promise.all([
    input.coverage({ layer: input.layer, from, to, datasets }),
    input.layer === 'bronze' ? input.coverage({ layer: 'landing', from, to, datasets }) : Promise.resolve(null),
  ]);
  const perFile = new Map<string, number>();
  for (const d of datasets) perFile.set(d, (await input.typicalLandingBytes(d)) ?? flatFileDataset(d).typicalBytes);

  let jobs = 0;
  let bytes = 0;
  let alreadyComplete = 0;
  const days = new Set<string>();
  const touched = new Set<string>();
  for (const c of cells) {
    const state = stateAt(target, c.dataset, c.date);
    if (state && PRESENT.has(state)) {
      alreadyComplete++;
      continue;
    }
    if (state && NOTHING_TO_DO.has(state)) continue;
    days.add(c.date);
    touched.add(c.dataset);
    const landingState = landing ? stateAt(landing, c.dataset, c.date) : state;
    const needsDownload = !(landingState && PRESENT.has(landingState));
    if (needsDownload) {
      jobs++;
      bytes += perFile.get(c.dataset) ?? 0;
    }
    if (input.layer === 'bronze') jobs++;
  }
  return { days: days.size, datasets: [...touched].sort(), jobs, estimatedBytes: Math.round(bytes), alreadyComplete };
}
