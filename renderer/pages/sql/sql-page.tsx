/**
 * SQL: read-only queries over the lake's views, results as Arrow in the virtualised table. The
 * editor's text and the history of queries stay across page changes and restarts; view and column
 * names insert at the caret as one undoable edit; a result exports as CSV or Parquet.
 */
import { useMemo, useRef, useState } from 'react';
import type { SqlResultView } from '../../../core/contract/contract-views.ts';
import { isContractFailure } from '../../api/contract-client.ts';
import { useContractMutation } from '../../api/contract-query.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { DataGrid } from '../../components/data-grid.tsx';
import { EmptyState, ErrorNotice } from '../../components/feedback.tsx';
import { TimeZoneToggle } from '../../components/time-zone-toggle.tsx';
import { decodeArrow } from '../../lib/arrow-table.ts';
import { formatCount, formatDuration, plural } from '../../lib/format.ts';
import { newQueryId } from '../../lib/query-id.ts';
import { addToHistory, insertAtCursor, replaceAll, sqlHistory, sqlText, textToInsert } from '../../lib/sql-workspace.ts';
import { QueryHistory } from './query-history.tsx';
import { ResultExport } from './result-export.tsx';
import { ViewList } from './view-list.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The lake's notice as a sentence ("truncated at 64 MiB" -> "Truncated at 64 MiB"). */
const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function Result({ result, sql }: { result: SqlResultView; sql: string }) {
  const table = useMemo(() => decodeArrow(result.arrow), [result]);
  return (
    <Card
      title="Result"
      headingId="sql-result-heading"
      testId="sql-result"
      description={
        <span data-testid="sql-summary">
          {plural(result.rowCount, 'row')} · {plural(result.columns.length, 'column')} · {formatDuration(result.elapsedMs)}
          {result.truncated && (
            <strong className="truncated-note" data-testid="sql-notice">
              {' '}
              · {result.notice ? sentence(result.notice) : `Truncated: only the first ${formatCount(result.rowCount)} rows are shown`}
            </strong>
          )}
          {!result.truncated && result.notice && (
            <strong className="truncated-note" data-testid="sql-notice">
              {' '}
              · {sentence(result.notice)}
            </strong>
          )}
        </span>
      }
      actions={<TimeZoneToggle hasTimestamps={table.columns.some((c) => c.kind === 'timestamp')} />}
      flush
    >
      <div className="result-toolbar">
        <ResultExport sql={sql} />
      </div>
      {table.rowCount === 0 ? <EmptyState title="The query returned no rows." /> : <DataGrid table={table} label="Query result" testIdPrefix="sql" height={520} />}
    </Card>
  );
}

/** The SQL page. */
export function SqlPage() {
  const [sql, setSql] = useState(() => sqlText.get());
  const [maxRows, setMaxRows] = useState(1000);
  const [ranSql, setRanSql] = useState<string | null>(null);
  const queryId = useRef<string | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  const run = useContractMutation('sql.run', {
    onSettled: (result, error, input) => {
      const entry = { sql: input.sql, at: new Date().toISOString(), rows: result?.rowCount ?? null, error: error ? error.message : null };
      sqlHistory.set(addToHistory(sqlHistory.get(), entry));
    },
  });
  const cancel = useContractMutation('sql.cancel');

  const execute = () => {
    if (run.isPending || sql.trim() === '') return;
    const id = newQueryId();
    queryId.current = id;
    setRanSql(sql);
    run.mutate({ queryId: id, sql, maxRows });
  };

  const insertName = (name: string) => {
    const el = editor.current;
    if (!el) return;
    insertAtCursor(el, textToInsert(el.value.slice(0, el.selectionStart), name));
  };
  const restore = (text: string) => {
    if (editor.current) replaceAll(editor.current, text);
  };

  const cancelled = run.isError && isContractFailure(run.error, 'cancelled');

  return (
    <div className="page">
      <PageHeader title="SQL" description="Read-only DuckDB SQL over the lake. Each dataset is a view partitioned by trading date, so filtering on date reads only the files it needs." />
      <div className="sql-layout">
        <div className="stack">
          <Card title="Query" headingId="sql-editor-heading">
            <div className="stack-s">
              <label htmlFor="sql-editor" className="visually-hidden">
                SQL query
              </label>
              <textarea
                id="sql-editor"
                ref={editor}
                className="textarea sql-editor"
                value={sql}
                onChange={(e) => {
                  setSql(e.target.value);
                  // Kept at once (a few bytes of local storage), so neither a page change nor a crash loses it.
                  sqlText.set(e.target.value);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    execute();
                  }
                }}
                rows={9}
                spellCheck={false}
                aria-describedby="sql-hint"
                data-testid="sql-editor"
              />
              <div className="row">
                <button type="button" className="btn btn-primary" onClick={execute} disabled={run.isPending || sql.trim() === ''} data-testid="sql-run">
                  {run.isPending && <span className="spinner" aria-hidden="true" style={{ borderTopColor: 'var(--on-accent)' }} />}
                  {run.isPending ? 'Running…' : 'Run'}
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => queryId.current && cancel.mutate({ queryId: queryId.current })}
                  disabled={!run.isPending}
                  data-testid="sql-cancel"
                >
                  Cancel
                </button>
                <label className="row" style={{ gap: 6 }}>
                  <span className="field-label">Max rows</span>
                  <select className="select" value={maxRows} onChange={(e) => setMaxRows(Number(e.target.value))} style={{ width: 120 }}>
                    {[1000, 10_000, 100_000].map((n) => (
                      <option key={n} value={n}>
                        {formatCount(n)}
                      </option>
                    ))}
                  </select>
                </label>
                <span className="muted" id="sql-hint" style={{ fontSize: 'var(--text-s)' }}>
                  {isMac ? '⌘' : 'Ctrl'}+Enter runs the query. Your text is kept when you leave the page.
                </span>
              </div>
            </div>
          </Card>
          {cancelled && (
            <div className="notice" data-tone="info" role="status" data-testid="sql-cancelled">
              The query was cancelled.
            </div>
          )}
          {run.isError && !cancelled && <ErrorNotice error={run.error} title="The query failed" testId="sql-error" />}
          {run.data && !run.isPending && !run.isError && <Result result={run.data} sql={ranSql ?? sql} />}
          {run.isIdle && <p className="muted">Results appear here. Queries cannot change the lake.</p>}
        </div>
        <div className="stack">
          <ViewList onInsert={insertName} />
          <QueryHistory onRestore={restore} />
        </div>
      </div>
    </div>
  );
}
