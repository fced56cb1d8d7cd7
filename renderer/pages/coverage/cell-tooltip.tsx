/**
 * Hover details for a heatmap cell: date, state, rows, bytes and the last error (from `lake.cell`,
 * fetched once the pointer rests). A column covering several days shows the range and its states.
 */
import { useEffect, useState } from 'react';
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import type { RequestInput } from '../../../core/contract/contract.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { CoverageStateBadge } from '../../components/badge.tsx';
import { StateSwatch } from '../../components/state-swatch.tsx';
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

/** How many days of each state a multi-day cell covers, most frequent first. */
function spanCounts(grid: CoverageGrid, hit: HeatmapHit): Array<[CoverageState, number]> {
  const counts = new Map<CoverageState, number>();
  for (let d = hit.dayStart; d <= hit.dayEnd; d++) {
    const s = stateAt(grid, hit.row, d);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** A multi-day cell in words: "4 complete, 1 missing". */
export function spanSummary(grid: CoverageGrid, hit: HeatmapHit): string {
  return spanCounts(grid, hit)
    .map(([s, n]) => `${formatCount(n)} ${humanize(s).toLowerCase()}`)
    .join(', ');
}

function ManyDays({ grid, hit, title }: { grid: CoverageGrid; hit: HeatmapHit; title: (d: string) => string }) {
  const counts = spanCounts(grid, hit);
  return (
    <>
      <div className="tooltip-title">{title(grid.datasets[hit.row] as string)}</div>
      <div className="tooltip-date">
        {formatDateRange(grid.days[hit.dayStart] as string, grid.days[hit.dayEnd] as string)} · {hit.dayEnd - hit.dayStart + 1} trading days
      </div>
      <ul className="tooltip-counts">
        {counts.map(([s, n]) => (
          <li key={s}>
            <StateSwatch state={s} size={12} />
            {humanize(s)}: {formatCount(n)}
          </li>
        ))}
      </ul>
      <div className="muted">Choose a shorter range to inspect single days.</div>
    </>
  );
}

/** The tooltip, placed beside the hovered cell (flipped near the right edge). */
export function CellTooltip({ grid, layout, hit, title }: { grid: CoverageGrid; layout: HeatmapLayout; hit: HeatmapHit; title: (d: string) => string }) {
  const [x0, x1] = columnExtent(layout, hit.column);
  const left = x1 + 10 + TOOLTIP_WIDTH > layout.width ? Math.max(0, x0 - 10 - TOOLTIP_WIDTH) : x1 + 10;
  // Beside the cell and growing upwards from its row's bottom edge, so it stays over the heatmap's
  // own card instead of covering the selection panel and the gap list below it.
  const bottom = layout.height - (rowTop(layout, hit.row) + layout.rowHeight);
  return (
    <div className="tooltip" role="tooltip" style={{ left, bottom, width: TOOLTIP_WIDTH }} data-testid="cell-tooltip">
      {hit.dayStart === hit.dayEnd ? <SingleDay grid={grid} hit={hit} title={title} /> : <ManyDays grid={grid} hit={hit} title={title} />}
    </div>
  );
}
