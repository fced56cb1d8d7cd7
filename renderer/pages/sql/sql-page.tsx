/** SQL: read-only queries over the lake's views, results as Arrow in the virtualised table. */
import { useMemo, useRef, useState } from 'react';
import type { SqlResultView } from '../../../core/contract/contract-views.ts';
import { isContractFailure } from '../../api/contract-client.ts';
import { useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { DataGrid } from '../../components/data-grid.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { decodeArrow } from '../../lib/arrow-table.ts';
import { formatCount, formatDuration } from '../../lib/format.ts';
import { newQueryId } from '../../lib/query-id.ts';

const VIEWS_SQL = "SELECT table_name AS name, table_type AS kind FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name";
const STARTER_SQL = 'SELECT ticker, count(*) AS days, avg(close) AS avg_close\nFROM stocks_daily\nGROUP BY ticker\nORDER BY days DESC\nLIMIT 100';
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

function ViewList({ onInsert }: { onInsert: (name: string) => void }) {
  const title = useDatasetTitles();
  const views = useContractQuery('sql.run', { queryId: 'views-list', sql: VIEWS_SQL, maxRows: 1000 }, { staleTime: 60_000 });
  const names = useMemo(() => {
    if (!views.data) return [];
    const t = decodeArrow(views.data.arrow);
    return Array.from({ length: t.rowCount }, (_, r) => t.cell(r, 0) ?? '').filter(Boolean);
  }, [views.data]);
  return (
    <Card title="Views" headingId="views-heading" description="Click a view to query it." testId="sql-views">
      {views.isPending && <Loading />}
      {views.isError && <ErrorNotice error={views.error} title="Views could not be listed" />}
      {views.isSuccess && names.length === 0 && <EmptyState title="No views yet.">Views appear once a dataset has data in bronze.</EmptyState>}
      {names.length > 0 && (
        <ul className="view-list" aria-labelledby="views-heading">
          {names.map((name) => (
            <li key={name}>
              <button type="button" className="view-item" onClick={() => onInsert(name)} data-testid={`sql-view-${name}`}>
                <code>{name}</code>
                <span className="muted">{title(name) !== name ? title(name) : ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Result({ result }: { result: SqlResultView }) {
  const table = useMemo(() => decodeArrow(result.arrow), [result]);
  return (
    <Card
      title="Result"
      headingId="sql-result-heading"
      testId="sql-result"
      description={
        <span data-testid="sql-summary">
          {formatCount(result.rowCount)} {result.rowCount === 1 ? 'row' : 'rows'} · {result.columns.length} columns · {formatDuration(result.elapsedMs)}
          {result.truncated && <strong className="truncated-note"> · Truncated: only the first {formatCount(result.rowCount)} rows are shown</strong>}
        </span>
      }
      flush
    >
      {table.rowCount === 0 ? <EmptyState title="The query returned no rows." /> : <DataGrid table={table} label="Query result" testIdPrefix="sql" height={520} />}
    </Card>
  );
}

/** The SQL page. */
export function SqlPage() {
  const [sql, setSql] = useState(STARTER_SQL);
  const [maxRows, setMaxRows] = useState(1000);
  const queryId = useRef<string | null>(null);
  const run = useContractMutation('sql.run');
  const cancel = useContractMutation('sql.cancel');
  const editor = useRef<HTMLTextAreaElement>(null);

  const execute = () => {
    if (run.isPending || sql.trim() === '') return;
    const id = newQueryId();
    queryId.current = id;
    run.mutate({ queryId: id, sql, maxRows });
  };

  const insertView = (name: string) => {
    setSql(`SELECT *\nFROM ${name}\nLIMIT 100`);
    editor.current?.focus();
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
                onChange={(e) => setSql(e.target.value)}
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
                  {run.isPending && <span className="spinner" aria-hidden="true" style={{ borderTopColor: '#fff' }} />}
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
                  {isMac ? '⌘' : 'Ctrl'}+Enter runs the query.
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
          {run.data && !run.isPending && !run.isError && <Result result={run.data} />}
          {run.isIdle && <p className="muted">Results appear here. Queries cannot change the lake.</p>}
        </div>
        <ViewList onInsert={insertView} />
      </div>
    </div>
  );
}
