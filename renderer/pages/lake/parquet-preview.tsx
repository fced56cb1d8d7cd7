/**
 * The first rows of a Parquet file (Arrow IPC from `lake.preview`) in the virtualised table, with
 * column selection and paging. Marks `preview:request` / `preview:rendered` for the benchmark.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { ParquetInfoView } from '../../../core/contract/contract-views.ts';
import type { RequestOutput } from '../../../core/contract/contract.ts';
import { useApi } from '../../api/api-provider.tsx';
import type { ContractFailure } from '../../api/contract-client.ts';
import { contractKey } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { DataGrid } from '../../components/data-grid.tsx';
import { Popover } from '../../components/popover.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { decodeArrow } from '../../lib/arrow-table.ts';
import { formatCount, formatDuration } from '../../lib/format.ts';

const PAGE_SIZES = [100, 200, 1000] as const;

/** Pager text: "Rows 201–400 of 1,830,000". */
export function pageText(offset: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `No rows of ${formatCount(total)}`;
  return `Rows ${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`;
}

/** Preview card for one file. */
export function ParquetPreview({ info }: { info: ParquetInfoView }) {
  const api = useApi();
  const allColumns = useMemo(() => info.schema.map((c) => c.name), [info.schema]);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(allColumns));
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState<number>(200);
  const columns = allColumns.filter((c) => chosen.has(c));
  const input = { path: info.path, columns: columns.length === allColumns.length ? undefined : columns, offset, limit };

  const preview = useQuery<RequestOutput<'lake.preview'>, ContractFailure>({
    queryKey: contractKey('lake.preview', input),
    queryFn: () => {
      performance.mark('preview:request');
      return api.invoke('lake.preview', input);
    },
    enabled: columns.length > 0,
    placeholderData: keepPreviousData,
  });
  const table = useMemo(() => (preview.data ? decodeArrow(preview.data.arrow) : null), [preview.data]);

  useEffect(() => {
    if (!table) return;
    performance.mark('preview:rendered');
    try {
      performance.measure('preview', 'preview:request', 'preview:rendered');
    } catch {
      // The request mark is missing when the data came from the cache; nothing to measure then.
    }
  }, [table]);

  const total = preview.data?.totalRows ?? info.rows;
  const shown = table?.rowCount ?? 0;
  const toggle = (name: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <Card
      title="Preview"
      headingId="preview-heading"
      testId="parquet-preview"
      description={preview.data ? `Read in ${formatDuration(preview.data.elapsedMs)}` : 'The first rows of the file'}
      flush
      actions={
        <Popover label={`Columns (${columns.length}/${allColumns.length})`} testId="column-picker" panelLabel="Columns to show">
          <div className="row" style={{ marginBottom: 6 }}>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setChosen(new Set(allColumns))}>
              All
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setChosen(new Set())}>
              None
            </button>
          </div>
          {allColumns.map((name) => (
            <label key={name} className="checkbox">
              <input type="checkbox" checked={chosen.has(name)} onChange={() => toggle(name)} data-testid={`column-toggle-${name}`} />
              <code>{name}</code>
            </label>
          ))}
        </Popover>
      }
    >
      <div className="pager" data-testid="preview-pager">
        <span data-testid="preview-range" aria-live="polite">
          {pageText(offset, shown, total)}
        </span>
        <span className="spacer" />
        <label className="row" style={{ gap: 6 }}>
          <span className="field-label">Rows per page</span>
          <select
            className="select"
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.target.value));
              setOffset(0);
            }}
            style={{ width: 96 }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={() => setOffset(Math.max(0, offset - limit))} disabled={offset === 0 || preview.isFetching} data-testid="preview-previous">
          Previous
        </button>
        <button type="button" className="btn btn-small" onClick={() => setOffset(offset + limit)} disabled={offset + limit >= total || preview.isFetching} data-testid="preview-next">
          Next
        </button>
      </div>
      {columns.length === 0 && <EmptyState title="No columns selected.">Choose at least one column to preview.</EmptyState>}
      {columns.length > 0 && preview.isPending && <Loading label="Reading rows…" />}
      {preview.isError && (
        <div style={{ padding: '0 var(--space-5) var(--space-4)' }}>
          <ErrorNotice error={preview.error} title="The preview could not be read" />
        </div>
      )}
      {table && columns.length > 0 && (table.rowCount === 0 ? <EmptyState title="This file has no rows." /> : <DataGrid table={table} label={`Preview of ${info.path}`} firstRowNumber={offset} testIdPrefix="preview" />)}
    </Card>
  );
}
