import type { CoverageCellView, CoverageRowView, CoverageView } from '../contract/contract-views.ts';
import type { DatasetRegistry } from '../datasets/index.ts';
import { computeCoverage, type DatasetCoverage } from '../lake/coverage.ts';
import type { Layer } from '../vocabulary/layers.ts';
import { COVERAGE_STATES, type CoverageState } from '../vocabulary/coverage-states.ts';

const CODE_OF = new Map<CoverageState, string>(COVERAGE_STATES.map((s, i) => [s, String(i)]));


/**
 * One row of the heatmap as the UI receives it: a string with one digit per calendar day. 20 years
 * of 10 datasets is 73,000 cells; as objects that is megabytes of JSON, as digits it is 73 kB, and
 * the renderer paints straight from the string.
 */
export function coverageRow(c: DatasetCoverage): CoverageRowView {
  let codes = '';
  for (const cell of c.cells) codes += CODE_OF.get(cell.state) ?? '2';
  const counts: CoverageRowView['counts'] = {};
  for (const [state, n] of Object.entries(c.counts)) if (n > 0) counts[state as CoverageState] = n;
  return { dataset: c.dataset, layer: c.layer as Layer, codes, counts, watermark: c.watermark };
}

/** Options shared by coverage requests. */
export interface CoverageQuery {
  lakeRoot: string;
  layer: Layer;
  from: string;
  to: string;
  datasets: string[];
  /** Partitions being written now, as "dataset|layer|date". */
  running: Iterable<string>;
  historyStart?: string | undefined;
  now?: Date;
  registry?: DatasetRegistry;
}

/** Coverage of several datasets over a range, in the compact form the heatmap draws. */
export async function coverageView(q: CoverageQuery): Promise<CoverageView> {
  const started = performance.now();
  const coverage = await computeCoverage({
    lakeRoot: q.lakeRoot,
    datasets: q.datasets,
    layer: q.layer,
    from: q.from,
    to: q.to,
    running: new Set(q.running),
    ...(q.historyStart ? { historyStart: q.historyStart } : {}),
    ...(q.now ? { now: q.now } : {}),
    ...(q.registry ? { registry: q.registry } : {}),
  });
  return {
    from: q.from,
    to: q.to,
    layer: q.layer,
    rows: coverage.map(coverageRow),
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** The full detail of one cell (the heatmap's hover card). */
export async function coverageCell(q: Omit<CoverageQuery, 'from' | 'to' | 'datasets'> & { dataset: string; date: string }): Promise<CoverageCellView> {
  const [row] = await computeCoverage({
    lakeRoot: q.lakeRoot,
    datasets: [q.dataset],
    layer: q.layer,
    from: q.date,
    to: q.date,
    running: new Set(q.running),
    ...(q.historyStart ? { historyStart: q.historyStart } : {}),
    ...(q.now ? { now: q.now } : {}),
    ...(q.registry ? { registry: q.registry } : {}),
  });
  const cell = row?.cells[0];
  if (!cell) throw new Error(`no coverage for ${q.dataset} ${q.date}`);
  return { dataset: q.dataset, layer: q.layer, date: cell.date, state: cell.state, rows: cell.rows, bytes: cell.bytes, lastError: cell.lastError };
}
