/**
 * Hover details for a heatmap cell: date, state, rows, bytes and the last error (from `lake.cell`,
 * fetched once the pointer rests). A column covering several days shows the range and its states.
 */
import { useEffect, useState } from 'react';
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import type { RequestInput } from '../../../core/contract/contract.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { CoverageStateBadge } from '../../components/badge.tsx';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { stateAt } from '../../lib/coverage-grid.ts';
import { formatBytes, formatCount, formatDateRange, formatTradingDate, humanize } from '../../lib/format.ts';
import { columnExtent, rowTop } from '../../lib/heatmap-layout.ts';
import type { HeatmapHit, HeatmapLayout } from '../../lib/heatmap-layout.ts';

const REST_MS = 120;
const TOOLTIP_WIDTH = 280;

function SingleDay({ grid, hit, title }: { grid: CoverageGrid; hit: HeatmapHit; title: (d: string) => string }) {
  const dataset = grid.datasets[hit.row] as string;
  const date = grid.days[hit.dayStart] as string;
  const key = `${dataset}|${date}|${grid.layer}`;
  const [rested, setRested] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setRested(key), REST_MS);
    return () => clearTimeout(t);
  }, [key]);
  const cell = useContractQuery('lake.cell', { layer: grid.layer, dataset: dataset as RequestInput<'lake.cell'>['dataset'], date }, { enabled: rested === key, staleTime: 5000 });
  const state = cell.data?.state ?? stateAt(grid, hit.row, hit.dayStart);
  return (
    <>
      <div className="tooltip-title">{title(dataset)}</div>
      <div className="tooltip-date">{formatTradingDate(date)}</div>
      <CoverageStateBadge state={state} />
      {cell.data && (
        <dl className="kv tooltip-kv">
          <dt>Rows</dt>
          <dd>{formatCount(cell.data.rows)}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(cell.data.bytes)}</dd>
        </dl>
      )}
      {cell.data?.lastError && <div className="tooltip-error">{cell.data.lastError}</div>}
      {cell.isFetching && !cell.data && <div className="muted">Loading details…</div>}
    </>
  );
}

function ManyDays({ grid, hit, title }: { grid: CoverageGrid; hit: HeatmapHit; title: (d: string) => string }) {
  const states = grid.states[hit.row];
  const counts = new Map<CoverageState, number>();
  for (let d = hit.dayStart; d <= hit.dayEnd; d++) {
    const s = COVERAGE_STATES[states?.[d] ?? 8] as CoverageState;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return (
    <>
      <div className="tooltip-title">{title(grid.datasets[hit.row] as string)}</div>
      <div className="tooltip-date">
        {formatDateRange(grid.days[hit.dayStart] as string, grid.days[hit.dayEnd] as string)} · {hit.dayEnd - hit.dayStart + 1} trading days
      </div>
      <ul className="tooltip-counts">
        {[...counts].map(([s, n]) => (
          <li key={s}>
            <span className="swatch" data-state={s} aria-hidden="true" />
            {humanize(s)}: {formatCount(n)}
          </li>
        ))}
      </ul>
      <div className="muted">Choose a shorter range to inspect single days.</div>
    </>
  );
}

/** The tooltip, placed beside the hovered cell and flipped near the right edge. */
export function CellTooltip({ grid, layout, hit, title }: { grid: CoverageGrid; layout: HeatmapLayout; hit: HeatmapHit; title: (d: string) => string }) {
  const [x0, x1] = columnExtent(layout, hit.column);
  const left = x1 + 10 + TOOLTIP_WIDTH > layout.width ? Math.max(0, x0 - 10 - TOOLTIP_WIDTH) : x1 + 10;
  const top = rowTop(layout, hit.row) + layout.rowHeight + 6;
  return (
    <div className="tooltip" role="tooltip" style={{ left, top, width: TOOLTIP_WIDTH }} data-testid="cell-tooltip">
      {hit.dayStart === hit.dayEnd ? <SingleDay grid={grid} hit={hit} title={title} /> : <ManyDays grid={grid} hit={hit} title={title} />}
    </div>
  );
}
