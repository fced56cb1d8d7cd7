/**
 * The gaps in the shown range as a listbox, for keyboard and screen-reader users: each run of equal
 * gap days is one option (arrow keys move, one tab stop for the list); Enter or Space selects it on
 * the heatmap, and the option whose span the heatmap selection matches is marked selected.
 */
import { memo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { CoverageStateBadge } from '../../components/badge.tsx';
import type { GapRun } from '../../lib/coverage-grid.ts';
import type { HeatmapSelection } from '../../lib/heatmap-selection.ts';
import { formatCount, formatDateRange, plural } from '../../lib/format.ts';

export interface GapListProps {
  runs: GapRun[];
  total: number;
  title: (dataset: string) => string;
  onSelect: (run: GapRun) => void;
  /** The heatmap's selection; a gap is marked selected when it spans exactly that. */
  selection: HeatmapSelection | null;
}

function isSelected(selection: HeatmapSelection | null, run: GapRun): boolean {
  return selection !== null && selection.rowFrom === run.row && selection.rowTo === run.row && selection.dayFrom === run.dayStart && selection.dayTo === run.dayEnd;
}

/** Moves focus between items with the arrow keys. */
function onListKeys(e: KeyboardEvent<HTMLUListElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="option"]')];
  const at = items.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  e.preventDefault();
  items[Math.max(0, Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
}

/** The gap list (memoised: it re-renders only when its runs, titles or the selection change). */
export const GapList = memo(function GapList({ runs, total, title, onSelect, selection }: GapListProps) {
  const [focusKey, setFocusKey] = useState<string | null>(null);
  if (total === 0) {
    return (
      <p className="gap-empty" data-testid="gaps-empty">
        No gaps in this range: every trading day is complete.
      </p>
    );
  }
  // One tab stop: the option last focused, or the first.
  const tabStop = Math.max(0, runs.findIndex((r) => `${r.dataset}:${r.from}` === focusKey));
  return (
    <>
      <p className="muted gap-summary">
        {plural(total, 'gap')}
        {total > runs.length ? ` · showing the newest ${formatCount(runs.length)}` : ''}. Press Enter on a gap to select it.
      </p>
      <ul className="gap-list" role="listbox" aria-label="Gaps" onKeyDown={onListKeys} data-testid="gap-list">
        {runs.map((run, i) => {
          const days = run.dayEnd - run.dayStart + 1;
          const key = `${run.dataset}:${run.from}`;
          return (
            <li
              key={key}
              role="option"
              tabIndex={i === tabStop ? 0 : -1}
              onFocus={() => setFocusKey(key)}
              className="gap-item"
              aria-selected={isSelected(selection, run)}
              data-testid={`gap-${run.dataset}-${run.from}`}
              data-state={run.state}
              onClick={() => onSelect(run)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(run);
                }
              }}
            >
              <div className="gap-main">
                <strong>{title(run.dataset)}</strong>
                <span className="muted">
                  {formatDateRange(run.from, run.to)}
                  {days > 1 ? ` · ${plural(days, 'day')}` : ''}
                </span>
              </div>
              <CoverageStateBadge state={run.state} />
            </li>
          );
        })}
      </ul>
    </>
  );
});
