/**
 * "Export CSV" and "Export Parquet" for the shown result: the backend reruns its query in the
 * read-only engine and DuckDB writes the file. The desktop app asks where to save it; in a browser
 * the file arrives as a download from the web host (one use, then deleted there).
 */
import { useRef } from 'react';
import type { SqlExportView } from '../../../core/contract/contract-views.ts';
import { isContractFailure } from '../../api/contract-client.ts';
import { useContractMutation } from '../../api/contract-query.ts';
import { ErrorNotice } from '../../components/feedback.tsx';
import { formatBytes, formatDuration, plural } from '../../lib/format.ts';
import { newQueryId } from '../../lib/query-id.ts';

/** Starts the browser's download of an export held by the web host (the page's token goes along). */
export function startDownload(downloadPath: string, fileName: string): void {
  const url = new URL(downloadPath, window.location.href);
  const token = new URLSearchParams(window.location.search).get('token');
  if (token) url.searchParams.set('token', token);
  const a = document.createElement('a');
  a.href = url.toString();
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

function outcomeText(r: SqlExportView): string {
  const format = r.format === 'csv' ? 'CSV' : 'Parquet';
  const what = `${plural(r.rowCount, 'row')} (${formatBytes(r.bytes)}) as ${format} in ${formatDuration(r.elapsedMs)}`;
  if (r.outcome === 'saved') return `Saved ${what} to ${r.savedTo}.`;
  return `Exported ${what}: your browser is downloading ${r.fileName}.`;
}

/** The export buttons and what the last export did. */
export function ResultExport({ sql }: { sql: string }) {
  const queryId = useRef<string | null>(null);
  const exporting = useContractMutation('sql.export', {
    onSuccess: (r) => {
      if (r.outcome === 'download' && r.downloadPath) startDownload(r.downloadPath, r.fileName);
    },
  });
  const cancel = useContractMutation('sql.cancel');
  const run = (format: 'csv' | 'parquet') => {
    queryId.current = newQueryId();
    exporting.mutate({ queryId: queryId.current, sql, format });
  };
  const r = exporting.data;
  return (
    <div className="stack-s result-export">
      <div className="row">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => run('csv')}
          disabled={exporting.isPending}
          data-testid="sql-export-csv"
        >
          Export CSV
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => run('parquet')}
          disabled={exporting.isPending}
          data-testid="sql-export-parquet"
        >
          Export Parquet
        </button>
        {exporting.isPending && (
          <>
            <span className="spinner" aria-hidden="true" />
            <span className="muted">Exporting…</span>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => queryId.current && cancel.mutate({ queryId: queryId.current })}
            >
              Cancel
            </button>
          </>
        )}
      </div>
      {r && !exporting.isPending && r.outcome !== 'cancelled' && (
        <p className="muted export-outcome" role="status" data-testid="sql-export-outcome">
          {outcomeText(r)}
          {r.textColumns.length > 0 && ` Written as text: ${r.textColumns.join(', ')}.`}
        </p>
      )}
      {exporting.isError && !isContractFailure(exporting.error, 'cancelled') && (
        <ErrorNotice error={exporting.error} title="The result could not be exported" testId="sql-export-error" />
      )}
    </div>
  );
}
