/**
 * What the SQL page keeps of a person's work: the editor's text and a history of the queries they
 * ran, in local storage (they survive leaving the page and restarting the app), and the editing
 * helpers that insert text through the browser's own editing path so Ctrl+Z undoes exactly one
 * insertion instead of splicing old and new text.
 */
import { createPreference } from './preferences.ts';

export const STARTER_SQL = [
  'SELECT ticker, count(*) AS days, avg(close) AS avg_close',
  'FROM stocks_daily',
  'GROUP BY ticker',
  'ORDER BY days DESC',
  'LIMIT 100',
].join('\n');

/** One query the person ran. */
export interface HistoryEntry {
  sql: string;
  /** ISO instant it finished. */
  at: string;
  rows: number | null;
  error: string | null;
}

/** Most history entries kept. */
export const HISTORY_LIMIT = 50;
/** Longest query text kept in history (the editor itself keeps any length). */
const HISTORY_TEXT_LIMIT = 20_000;

/** The editor's text. */
export const sqlText = createPreference<string>('quantmini.sql.text', STARTER_SQL, (raw) => (typeof raw === 'string' ? raw : null));

function isEntry(x: unknown): x is HistoryEntry {
  const e = x as Partial<HistoryEntry> | null;
  if (typeof e?.sql !== 'string' || typeof e.at !== 'string') return false;
  return (e.rows === null || typeof e.rows === 'number') && (e.error === null || typeof e.error === 'string');
}

/** The query history, newest first. */
export const sqlHistory = createPreference<HistoryEntry[]>('quantmini.sql.history', [], (raw) =>
  Array.isArray(raw) ? raw.filter(isEntry).slice(0, HISTORY_LIMIT) : null,
);

/** The history with `entry` first: a re-run of the same text replaces its older entry. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryEntry[] {
  if (entry.sql.trim() === '' || entry.sql.length > HISTORY_TEXT_LIMIT) return [...history];
  const key = entry.sql.trim();
  return [entry, ...history.filter((h) => h.sql.trim() !== key)].slice(0, limit);
}

/** What to insert for a name at the caret: a space before it when it would otherwise run into a word. */
export function textToInsert(before: string, name: string): string {
  return /[\w"]$/.test(before) ? ` ${name}` : name;
}

/**
 * Replaces the textarea's selection with `text` as if typed: execCommand('insertText') puts it on
 * the browser's undo stack as one step. Where that is unavailable, setRangeText plus an input event
 * still updates the text (without undo).
 */
export function insertAtCursor(el: HTMLTextAreaElement, text: string): void {
  el.focus();
  if (typeof document.execCommand === 'function' && document.execCommand('insertText', false, text)) return;
  el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Replaces the whole text, still as one undoable step (restoring a query from history). */
export function replaceAll(el: HTMLTextAreaElement, text: string): void {
  el.focus();
  el.select();
  insertAtCursor(el, text);
}

/** Quotes a view or column name for SQL when it is not a plain identifier. */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
