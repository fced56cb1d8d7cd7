import { describe, expect, it } from 'vitest';
import { createPreference, oneOf } from '../../../renderer/lib/preferences.ts';
import { addToHistory, sqlName, textToInsert } from '../../../renderer/lib/sql-workspace.ts';
import type { HistoryEntry } from '../../../renderer/lib/sql-workspace.ts';
import { resolveTheme } from '../../../renderer/lib/theme.ts';
import { changedPayload, formFromSettings } from '../../../renderer/lib/settings-form.ts';
import type { SettingsView } from '../../../core/contract/contract-views.ts';

const entry = (sql: string, at = '2026-03-12T14:00:00Z'): HistoryEntry => ({ sql, at, rows: 1, error: null });

describe('SQL history', () => {
  it('puts the newest first, replaces a re-run of the same text, and keeps at most the limit', () => {
    let h: HistoryEntry[] = [];
    h = addToHistory(h, entry('SELECT 1'));
    h = addToHistory(h, entry('SELECT 2'));
    h = addToHistory(h, entry('  SELECT 1 ', '2026-03-12T15:00:00Z'));
    expect(h.map((e) => e.sql)).toEqual(['  SELECT 1 ', 'SELECT 2']);
    for (let i = 0; i < 10; i++) h = addToHistory(h, entry(`SELECT ${i + 10}`), 5);
    expect(h).toHaveLength(5);
    expect(addToHistory(h, entry('   '))).toEqual(h);
  });
});

describe('names inserted at the caret', () => {
  it('adds a space only when the name would run into a word', () => {
    expect(textToInsert('SELECT * FROM ', 'stocks_daily')).toBe('stocks_daily');
    expect(textToInsert('SELECT * FROM', 'stocks_daily')).toBe(' stocks_daily');
    expect(textToInsert('count(', 'close')).toBe('close');
  });
  it('quotes names that are not plain identifiers', () => {
    expect(sqlName('stocks_daily')).toBe('stocks_daily');
    expect(sqlName('my "odd" col')).toBe('"my ""odd"" col"');
  });
});

describe('preferences', () => {
  it('fall back to the default for missing or unparsable stored values (no storage in node)', () => {
    const p = createPreference('test.pref', 'a', oneOf(['a', 'b'] as const));
    expect(p.get()).toBe('a');
    let told = 0;
    const stop = p.subscribe(() => told++);
    p.set('b');
    expect(p.get()).toBe('b');
    expect(told).toBe(1);
    stop();
    expect(oneOf(['a', 'b'])('c')).toBeNull();
  });
  it('resolve the theme from the preference and the system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('settings saved as changes', () => {
  it('sends only the fields that differ from what the form started with', () => {
    const view: SettingsView = {
      dataRoot: '/lake', demoDataRoot: '/demo', mode: 'demo', source: 'demo', plan: 'starter',
      s3Endpoint: 'https://files.massive.com', restBase: 'https://api.massive.com',
      hasApiKey: false, hasS3Keys: false, datasetsEnabled: ['stocks_daily'], datasetsAvailable: [], userFile: '/u.yaml',
      concurrency: { downloads: null, ingestWorkers: 2, duckdbThreads: null, duckdbMemoryLimit: null },
      memory: { warningPercent: 75, criticalPercent: 90, criticalGraceSeconds: 30 },
      overrides: [{ field: 'source', by: 'the --source flag', value: 'demo', saved: 'auto' }],
      credentialStore: { kind: 'config-file', description: 'x', path: '/u.yaml' },
    };
    const start = formFromSettings(view);
    expect(changedPayload(start, start)).toEqual({});
    const edited = changedPayload({ ...start, downloads: '3', warningPercent: '70' }, start);
    expect(edited).toEqual({ concurrency: { downloads: 3 }, memory: { warningPercent: 70 } });
    expect(changedPayload({ ...start, source: 'massive' }, start)).toEqual({ source: 'massive' });
  });
});
