/**
 * The lake's views, each with its columns on demand (DESCRIBE through the same read-only SQL).
 * Clicking a view or a column inserts its name at the editor's caret.
 */
import { useMemo, useState } from 'react';
import { useContractQuery } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { decodeArrow } from '../../lib/arrow-table.ts';
import { sqlName } from '../../lib/sql-workspace.ts';

const VIEWS_SQL =
  "SELECT table_name AS name, table_type AS kind FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name";

function Columns({ view, onInsert }: { view: string; onInsert: (text: string) => void }) {
  const input = { queryId: `describe-${view}`.slice(0, 64), sql: `DESCRIBE ${sqlName(view)}`, maxRows: 1000 };
  const describe = useContractQuery('sql.run', input, { staleTime: 60_000 });
  const columns = useMemo(() => {
    if (!describe.data) return [];
    const t = decodeArrow(describe.data.arrow);
    const name = t.columns.findIndex((c) => c.name === 'column_name');
    const type = t.columns.findIndex((c) => c.name === 'column_type');
    return Array.from({ length: t.rowCount }, (_, r) => ({ name: t.cell(r, name) ?? '', type: t.cell(r, type) ?? '' }));
  }, [describe.data]);
  if (describe.isPending) return <Loading label="Reading columns…" />;
  if (describe.isError) return <ErrorNotice error={describe.error} title={`The columns of ${view} could not be read`} />;
  return (
    <ul className="column-list" aria-label={`Columns of ${view}`} data-testid={`sql-columns-${view}`}>
      {columns.map((c) => (
        <li key={c.name}>
          <button
            type="button"
            className="column-item"
            onClick={() => onInsert(sqlName(c.name))}
            title={`Insert ${c.name}`}
            data-testid={`sql-column-${view}-${c.name}`}
          >
            <code>{c.name}</code>
            <span className="muted mono">{c.type}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The views card. */
export function ViewList({ onInsert }: { onInsert: (text: string) => void }) {
  const title = useDatasetTitles();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const views = useContractQuery('sql.run', { queryId: 'views-list', sql: VIEWS_SQL, maxRows: 1000 }, { staleTime: 60_000 });
  const names = useMemo(() => {
    if (!views.data) return [];
    const t = decodeArrow(views.data.arrow);
    return Array.from({ length: t.rowCount }, (_, r) => t.cell(r, 0) ?? '').filter(Boolean);
  }, [views.data]);
  const toggle = (name: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  return (
    <Card title="Views" headingId="views-heading" description="Click a name to insert it at the cursor." testId="sql-views">
      {views.isPending && <Loading />}
      {views.isError && <ErrorNotice error={views.error} title="Views could not be listed" />}
      {views.isSuccess && names.length === 0 && (
        <EmptyState title="No views yet.">Views appear once a dataset has data in bronze.</EmptyState>
      )}
      {names.length > 0 && (
        <ul className="view-list" aria-labelledby="views-heading">
          {names.map((name) => (
            <li key={name}>
              <div className="view-row">
                <button type="button" className="view-item" onClick={() => onInsert(sqlName(name))} data-testid={`sql-view-${name}`}>
                  <code>{name}</code>
                  <span className="muted">{title(name) !== name ? title(name) : ''}</span>
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-expanded={open.has(name)}
                  aria-label={`${open.has(name) ? 'Hide' : 'Show'} the columns of ${name}`}
                  onClick={() => toggle(name)}
                  data-testid={`sql-view-columns-${name}`}
                >
                  {open.has(name) ? 'Hide' : 'Columns'}
                </button>
              </div>
              {open.has(name) && <Columns view={name} onInsert={onInsert} />}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
