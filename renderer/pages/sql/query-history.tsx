/** The queries run from this window, newest first; choosing one puts it back in the editor (undoable). */
import { usePreference } from '../../lib/preferences.ts';
import { sqlHistory } from '../../lib/sql-workspace.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/feedback.tsx';
import { formatAgo, formatInstant, plural } from '../../lib/format.ts';

/** The history card. */
export function QueryHistory({ onRestore }: { onRestore: (sql: string) => void }) {
  const history = usePreference(sqlHistory);
  return (
    <Card
      title="History"
      headingId="history-heading"
      description="Kept in this window across restarts."
      testId="sql-history"
      actions={
        history.length > 0 && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => sqlHistory.set([])} data-testid="sql-history-clear">
            Clear
          </button>
        )
      }
    >
      {history.length === 0 ? (
        <EmptyState title="No queries yet." />
      ) : (
        <ul className="history-list" aria-labelledby="history-heading">
          {history.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              <button
                type="button"
                className="history-item"
                onClick={() => onRestore(h.sql)}
                title={formatInstant(h.at)}
                data-testid={`sql-history-${i}`}
              >
                <code className="history-sql">{h.sql}</code>
                <span className="muted">
                  {formatAgo(h.at)} ·{' '}
                  {h.error ? <span className="history-error">failed</span> : h.rows === null ? 'ran' : plural(h.rows, 'row')}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
