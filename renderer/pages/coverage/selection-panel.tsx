/** What a backfill of the selected cells would do (`backfill.estimate`), and the Backfill button. */
import { useQuery } from '@tanstack/react-query';
import type { RequestInput, RequestOutput } from '../../../core/contract/contract.ts';
import { useApi } from '../../api/api-provider.tsx';
import type { ContractFailure } from '../../api/contract-client.ts';
import { useContractMutation } from '../../api/contract-query.ts';
import { ErrorNotice } from '../../components/feedback.tsx';
import { useToast } from '../../components/toast.tsx';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { formatBytes, formatCount, formatDateRange, plural } from '../../lib/format.ts';
import { selectionCells, selectionSize } from '../../lib/heatmap-selection.ts';
import { describeStages } from '../../lib/plan-stages.ts';
import type { HeatmapSelection } from '../../lib/heatmap-selection.ts';

/** The contract's limit on cells per backfill request. */
export const MAX_BACKFILL_CELLS = 50_000;

type Cells = RequestInput<'backfill.estimate'>['cells'];

/** The panel for a selection. */
export function SelectionPanel({ grid, selection, title, onClear, onStarted }: { grid: CoverageGrid; selection: HeatmapSelection; title: (d: string) => string; onClear: () => void; onStarted: (runId: string) => void }) {
  const api = useApi();
  const toast = useToast();
  const size = selectionSize(selection);
  const tooMany = size > MAX_BACKFILL_CELLS;
  // The key names the rectangle, not its cells: hashing 50,000 cells on every render would be slow.
  const estimate = useQuery<RequestOutput<'backfill.estimate'>, ContractFailure>({
    queryKey: ['backfill.estimate', grid.layer, grid.from, grid.to, grid.datasets, selection],
    queryFn: () => api.invoke('backfill.estimate', { layer: grid.layer, cells: selectionCells(grid, selection) as Cells }),
    enabled: !tooMany,
  });
  const start = useContractMutation('runs.startBackfill', {
    onSuccess: (r) => {
      toast(`Backfill started: ${plural(estimate.data?.jobs ?? size, 'job')}`);
      onStarted(r.runId);
    },
  });
  const datasets = grid.datasets.slice(selection.rowFrom, selection.rowTo + 1);
  const from = grid.days[selection.dayFrom] as string;
  const to = grid.days[selection.dayTo] as string;
  const e = estimate.data;

  return (
    <section className="selection-panel" aria-labelledby="selection-heading" data-testid="selection-panel">
      <div className="row-between">
        <h2 id="selection-heading">Selection</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClear} data-testid="clear-selection">
          Clear
        </button>
      </div>
      <p data-testid="selection-summary">
        {plural(size, 'cell')} · {formatDateRange(from, to)}
      </p>
      <p className="muted" style={{ fontSize: 'var(--text-s)' }}>
        {datasets.map(title).join(', ')}
      </p>
      {tooMany && (
        <div className="notice" data-tone="warning" role="status">
          A backfill can cover at most {formatCount(MAX_BACKFILL_CELLS)} cells. Select fewer days or datasets.
        </div>
      )}
      {estimate.isPending && !tooMany && (
        <div className="loading" style={{ padding: 0 }}>
          <span className="spinner" aria-hidden="true" /> Estimating…
        </div>
      )}
      {estimate.isError && <ErrorNotice error={estimate.error} title="The backfill could not be estimated" />}
      {e && (
        <p data-testid="estimate-stages">
          {/* Upstream jobs are in the plan too: a silver cell may need its download and ingest first. */}
          {e.jobs === 0 ? 'Nothing to run: every selected cell is up to date.' : `Runs ${describeStages(e.byKind)}.`}
        </p>
      )}
      {e && (
        <dl className="kv" data-testid="backfill-estimate">
          <dt>Trading days</dt>
          <dd data-testid="estimate-days">{formatCount(e.days)}</dd>
          <dt>Datasets</dt>
          <dd>{formatCount(e.datasets.length)}</dd>
          <dt>Jobs</dt>
          <dd data-testid="estimate-jobs">{formatCount(e.jobs)}</dd>
          <dt>Download</dt>
          <dd data-testid="estimate-bytes">{formatBytes(e.estimatedBytes)}</dd>
          <dt>Already complete</dt>
          <dd data-testid="estimate-complete">{formatCount(e.alreadyComplete)}</dd>
        </dl>
      )}
      <button
        type="button"
        className="btn btn-primary"
        disabled={tooMany || !e || e.jobs === 0 || start.isPending}
        onClick={() => start.mutate({ layer: grid.layer, cells: selectionCells(grid, selection) as Cells })}
        data-testid="backfill"
      >
        {start.isPending ? 'Starting…' : e && e.jobs === 0 ? 'Nothing to backfill' : 'Backfill'}
      </button>
      {start.isError && <ErrorNotice error={start.error} title="The backfill could not start" />}
    </section>
  );
}
