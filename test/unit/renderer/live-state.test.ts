import { describe, expect, it } from 'vitest';
import { Float64, Int64, Table, TimestampNanosecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { JobProgressView } from '../../../core/contract/contract-views.ts';
import { createProgressStore } from '../../../renderer/api/progress-store.ts';
import { decodeArrow } from '../../../renderer/lib/arrow-table.ts';
import { createFrameBatcher } from '../../../renderer/lib/frame-batcher.ts';

/** A scheduler the test flushes by hand, standing in for requestAnimationFrame. */
function manualScheduler() {
  const queue: Array<() => void> = [];
  return { schedule: (run: () => void) => queue.push(run), flush: () => queue.splice(0).forEach((r) => r()), pending: () => queue.length };
}

const progress = (jobId: string, bytesDone: number): JobProgressView => ({
  runId: 'r1',
  jobId,
  phase: 'downloading',
  bytesDone,
  bytesTotal: 100,
  rowsDone: null,
  rowsTotal: null,
  bytesPerSecond: null,
  rowsPerSecond: null,
  etaSeconds: null,
  warning: null,
});

describe('frame batcher', () => {
  it('hands over everything pushed since the last frame, in order, with one scheduled frame', () => {
    const s = manualScheduler();
    const batches: number[][] = [];
    const push = createFrameBatcher<number>((items) => batches.push(items), s.schedule);
    for (let i = 0; i < 500; i++) push(i);
    expect(s.pending()).toBe(1);
    s.flush();
    push(500);
    s.flush();
    expect(batches.map((b) => b.length)).toEqual([500, 1]);
    expect(batches[0]![499]).toBe(499);
  });
});

describe('progress store', () => {
  it('notifies each job once per frame however many reports arrive, and only that job', () => {
    const s = manualScheduler();
    const store = createProgressStore(s.schedule);
    let a = 0;
    let b = 0;
    store.subscribe('r1', 'a', () => a++);
    const unsubscribeB = store.subscribe('r1', 'b', () => b++);
    for (let i = 0; i <= 100; i++) store.push(progress('a', i));
    expect(a).toBe(0);
    s.flush();
    expect(a).toBe(1);
    expect(b).toBe(0);
    expect(store.get('r1', 'a')?.bytesDone).toBe(100);
    store.push(progress('b', 5));
    unsubscribeB();
    s.flush();
    expect(b).toBe(0);
    store.clearRun('r1');
    s.flush();
    expect(a).toBe(2);
    expect(store.get('r1', 'a')).toBeUndefined();
  });
});

describe('decodeArrow', () => {
  it('decodes IPC bytes and formats each kind of value for display', () => {
    const table = new Table({
      ticker: vectorFromArray(['AAPL', null], new Utf8()),
      close: vectorFromArray([171.48, 0.1 + 0.2], new Float64()),
      transactions: vectorFromArray([9_007_199_254_740_993n, 2n], new Int64()),
      window_start: vectorFromArray([Date.UTC(2024, 2, 28, 20), Date.UTC(2024, 2, 28, 20, 1, 0, 500)], new TimestampNanosecond()),
    });
    const t = decodeArrow(tableToIPC(table, 'stream'));
    expect(t.rowCount).toBe(2);
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['ticker', 'string'],
      ['close', 'number'],
      ['transactions', 'bigint'],
      ['window_start', 'timestamp'],
    ]);
    expect(t.cell(0, 0)).toBe('AAPL');
    expect(t.cell(1, 0)).toBeNull();
    expect(t.cell(0, 1)).toBe('171.48');
    expect(t.cell(1, 1)).toBe('0.3');
    expect(t.cell(0, 2)).toBe('9007199254740993');
    expect(t.cell(0, 3)).toBe('2024-03-28T20:00:00Z');
    expect(t.cell(1, 3)).toBe('2024-03-28T20:01:00.500Z');
    expect(t.cell(0, 9)).toBeNull();
  });
});
