/**
 * The first rows of a Parquet file (Arrow IPC from `lake.preview`) in the virtualised table, with
 * column selection and paging. Shown as soon as the rows arrive, without waiting for the footer.
 * Marks `preview:rendered` once a page of rows has been painted, and measures `preview` from the
 * request.
 */
import { useLayoutEffect } from 'react';
import { Card } from '../../components/card.tsx';
import { DataGrid } from '../../components/data-grid.tsx';
import { Popover } from '../../components/popover.tsx';
import { TimeZoneToggle } from '../../components/time-zone-toggle.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { afterNextPaint } from '../../lib/after-paint.ts';
import type { DecodedTable } from '../../lib/arrow-table.ts';
import { toggleColumn } from '../../lib/column-choice.ts';
import { formatCount, formatDuration } from '../../lib/format.ts';
import { PREVIEW_PAGE_SIZES } from './use-parquet-preview.ts';
import type { ParquetPreviewRows } from './use-parquet-preview.ts';

/** Pager text: "Rows 201–400 of 1,830,000". */
export function pageText(offset: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `No rows of ${formatCount(total)}`;
  return `Rows ${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`;
}

/** Marks `preview:rendered` after the frame that shows a new table has been painted. */
function usePaintedMark(table: DecodedTable | null): void {
  useLayoutEffect(() => {
    if (!table) return undefined;
    return afterNextPaint(() => {
      performance.mark('preview:rendered');
      try {
        performance.measure('preview', 'preview:request', 'preview:rendered');
      } catch {
        // The request mark is missing when the data came from the cache; nothing to measure then.
      }
    });
  }, [table]);
}

function ColumnPicker({ all, shown, onChange }: { all: readonly string[]; shown: readonly string[] | null; onChange: (columns: readonly string[] | null) => void }) {
  const visible = new Set(shown ?? all);
  return (
    <Popover label={`Columns (${shown?.length ?? all.length}/${all.length})`} testId="column-picker" panelLabel="Columns to show">
      <div className="row" style={{ marginBottom: 6 }}>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(null)}>
          All
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange([])}>
          None
        </button>
      </div>
      {all.map((name) => (
        <label key={name} className="checkbox">
          <input type="checkbox" checked={visible.has(name)} onChange={() => onChange(toggleColumn(all, shown, name))} data-testid={`column-toggle-${name}`} />
          <code>{name}</code>
        </label>
      ))}
    </Popover>
  );
}

/**
 * Preview card for one file. `schemaColumns` (from the footer) lists every column; until the
 * footer arrives the first page's own column list stands in for it.
 */
export function ParquetPreview({ rows, schemaColumns, path }: { rows: ParquetPreviewRows; schemaColumns: readonly string[] | null; path: string }) {
  const { query, table, columns, offset, limit } = rows;
  usePaintedMark(table);
  const all = schemaColumns ?? (columns === null && query.data && !query.isPlaceholderData ? query.data.columns : null);
  const total = query.data?.totalRows ?? 0;
  const shown = table?.rowCount ?? 0;
  const none = columns !== null && columns.length === 0;

  return (
    <Card
      title="Preview"
      headingId="preview-heading"
      testId="parquet-preview"
      description={query.data ? `Read in ${formatDuration(query.data.elapsedMs)}` : 'The first rows of the file'}
      flush
      actions={
        <>
          <TimeZoneToggle hasTimestamps={table?.columns.some((c) => c.kind === 'timestamp') ?? false} />
          {all && <ColumnPicker all={all} shown={columns} onChange={rows.setColumns} />}
        </>
      }
    >
      <div className="pager" data-testid="preview-pager">
        <span data-testid="preview-range" aria-live="polite">
          {query.data ? pageText(offset, shown, total) : ''}
        </span>
        <span className="spacer" />
        <label className="row" style={{ gap: 6 }}>
          <span className="field-label">Rows per page</span>
          <select className="select" value={limit} onChange={(e) => rows.setLimit(Number(e.target.value))} style={{ width: 96 }}>
            {PREVIEW_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={() => rows.setOffset(Math.max(0, offset - limit))} disabled={offset === 0 || query.isFetching} data-testid="preview-previous">
          Previous
        </button>
        <button type="button" className="btn btn-small" onClick={() => rows.setOffset(offset + limit)} disabled={!query.data || offset + limit >= total || query.isFetching} data-testid="preview-next">
          Next
        </button>
      </div>
      {none && <EmptyState title="No columns selected.">Choose at least one column to preview.</EmptyState>}
      {!none && query.isPending && <Loading label="Reading rows…" />}
      {query.isError && (
        <div style={{ padding: '0 var(--space-5) var(--space-4)' }}>
          <ErrorNotice error={query.error} title="The preview could not be read" />
        </div>
      )}
      {table && !none && (table.rowCount === 0 ? <EmptyState title="This file has no rows." /> : <DataGrid table={table} label={`Preview of ${path}`} firstRowNumber={offset} testIdPrefix="preview" />)}
    </Card>
  );
}
