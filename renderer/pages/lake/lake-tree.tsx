/**
 * The lake as a lazily loaded tree (one `lake.list` per folder, on first expand). Keyboard follows
 * the WAI-ARIA tree pattern: Up/Down move, Right opens or steps in, Left closes or steps out,
 * Home/End jump, Enter or Space opens a file.
 */
import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { LakeEntryView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { ErrorNotice } from '../../components/feedback.tsx';
import { formatAgo, formatBytes, formatCount, formatInstant } from '../../lib/format.ts';

interface TreeState {
  expanded: ReadonlySet<string>;
  focused: string | null;
  selected: string | null;
  toggle: (path: string) => void;
  focus: (path: string) => void;
  open: (entry: LakeEntryView) => void;
}

function FolderIcon({ open }: { open: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      style={{ fill: open ? 'var(--folder-fill-open)' : 'var(--folder-fill)', stroke: 'var(--folder-stroke)' }}
      strokeWidth="1.6"
      aria-hidden="true"
    >
      <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.6l2 2.2h8.4A1.5 1.5 0 0 1 21 8.7v9.8a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z" />
    </svg>
  );
}

function FileIcon({ parquet }: { parquet: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      style={{ stroke: parquet ? 'var(--file-parquet)' : 'var(--file-other)' }}
      strokeWidth="1.6"
      aria-hidden="true"
    >
      <path d="M6 3h8l4 4v14H6z" />
      <path d="M14 3v4h4" />
      {parquet && <path d="M9 12h6M9 15h6M9 18h4" />}
    </svg>
  );
}

function Children({ path, level, state }: { path: string; level: number; state: TreeState }) {
  const list = useContractQuery('lake.list', { path });
  if (list.isPending) {
    return (
      <li role="none" className="tree-status" style={{ paddingLeft: level * 18 + 12 }}>
        <span className="spinner" aria-hidden="true" /> Loading…
      </li>
    );
  }
  if (list.isError) {
    return (
      <li role="none" style={{ padding: '6px 12px' }}>
        <ErrorNotice error={list.error} title="This folder could not be listed" />
      </li>
    );
  }
  const entries = list.data.entries;
  if (entries.length === 0) {
    return (
      <li role="none" className="tree-status muted" style={{ paddingLeft: level * 18 + 12 }}>
        Empty folder
      </li>
    );
  }
  return (
    <>
      {entries.map((entry, i) => (
        <Node key={entry.path} entry={entry} level={level} index={i} count={entries.length} state={state} />
      ))}
    </>
  );
}

function Node({ entry, level, index, count, state }: { entry: LakeEntryView; level: number; index: number; count: number; state: TreeState }) {
  const isDir = entry.kind === 'dir';
  const expanded = isDir && state.expanded.has(entry.path);
  const isParquet = entry.name.endsWith('.parquet');
  return (
    <li
      role="treeitem"
      aria-level={level}
      aria-setsize={count}
      aria-posinset={index + 1}
      aria-expanded={isDir ? expanded : undefined}
      aria-selected={state.selected === entry.path}
      tabIndex={state.focused === entry.path ? 0 : -1}
      data-path={entry.path}
      data-kind={entry.kind}
      data-testid={`tree-${entry.path}`}
      onFocus={(e) => {
        if (e.target === e.currentTarget) state.focus(entry.path);
      }}
      onClick={(e) => {
        e.stopPropagation();
        state.focus(entry.path);
        if (isDir) state.toggle(entry.path);
        else state.open(entry);
      }}
    >
      <div className="tree-row" style={{ paddingLeft: (level - 1) * 18 + 8 }}>
        <span className="tree-twisty" aria-hidden="true">
          {isDir ? (expanded ? '▾' : '▸') : ''}
        </span>
        {isDir ? <FolderIcon open={expanded} /> : <FileIcon parquet={isParquet} />}
        <span className="tree-name">{entry.name}</span>
        <span className="tree-meta num">{entry.rows !== null ? `${formatCount(entry.rows)} rows` : ''}</span>
        <span className="tree-meta num">{isDir && entry.sizeBytes === 0 ? '' : formatBytes(entry.sizeBytes)}</span>
        <span className="tree-meta tree-time" title={formatInstant(entry.modifiedAt)}>
          {formatAgo(entry.modifiedAt)}
        </span>
      </div>
      {expanded && (
        <ul role="group">
          <Children path={entry.path} level={level + 1} state={state} />
        </ul>
      )}
    </li>
  );
}

/** Moves focus between visible tree items following the tree keyboard pattern. */
function onTreeKey(e: KeyboardEvent<HTMLUListElement>, state: TreeState): void {
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[role="treeitem"]');
  const at = current ? items.indexOf(current) : -1;
  if (at < 0 || !current) return;
  const path = current.dataset.path ?? '';
  const isDir = current.dataset.kind === 'dir';
  const expanded = current.getAttribute('aria-expanded') === 'true';
  const moveTo = (el: HTMLElement | undefined) => {
    if (!el) return;
    el.focus();
    state.focus(el.dataset.path ?? '');
  };
  switch (e.key) {
    case 'ArrowDown':
      moveTo(items[at + 1]);
      break;
    case 'ArrowUp':
      moveTo(items[at - 1]);
      break;
    case 'Home':
      moveTo(items[0]);
      break;
    case 'End':
      moveTo(items[items.length - 1]);
      break;
    case 'ArrowRight':
      if (isDir && !expanded) state.toggle(path);
      else if (isDir) moveTo(items[at + 1]?.parentElement?.closest('[role="treeitem"]') === current ? items[at + 1] : undefined);
      break;
    case 'ArrowLeft':
      if (isDir && expanded) state.toggle(path);
      else moveTo(current.parentElement?.closest<HTMLElement>('[role="treeitem"]') ?? undefined);
      break;
    case 'Enter':
    case ' ':
      current.click();
      break;
    default:
      return;
  }
  e.preventDefault();
}

/** The tree; `onOpen` receives files the user opens. */
export function LakeTree({ selected, onOpen }: { selected: string | null; onOpen: (entry: LakeEntryView) => void }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [focused, setFocused] = useState<string | null>(null);
  const state: TreeState = {
    expanded,
    focused,
    selected,
    toggle: (path) =>
      setExpanded((s) => {
        const next = new Set(s);
        if (next.has(path)) next.delete(path);
        else next.add(path);
        return next;
      }),
    focus: setFocused,
    open: onOpen,
  };
  const root = useContractQuery('lake.list', { path: '' });
  // Until something is focused, the first item takes the tab stop.
  const first = root.data?.entries[0]?.path ?? null;
  const effective: TreeState = focused === null ? { ...state, focused: first } : state;
  return (
    <ul className="tree" role="tree" aria-label="Lake folders and files" onKeyDown={(e) => onTreeKey(e, effective)} data-testid="lake-tree">
      <Children path="" level={1} state={effective} />
    </ul>
  );
}
