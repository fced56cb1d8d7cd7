import { describe, expect, it } from 'vitest';
import { Float64, Int64, Table, TimestampNanosecond, TimeUnit, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { JobProgressView } from '../../../core/contract/contract-views.ts';
import { createProgressStore } from '../../../renderer/api/progress-store.ts';
import { decodeArrow, formatTimestampUnits } from '../../../renderer/lib/arrow-table.ts';
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
  message: null,
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
    expect(t.cell(0, 3)).toBe('2024-03-28 20:00:00Z');
    expect(t.cell(1, 3)).toBe('2024-03-28 20:01:00.5Z');
    expect(t.cell(0, 3, 'America/New_York')).toBe('2024-03-28 16:00:00-04:00');
    expect(t.cell(0, 9)).toBeNull();
  });

  it('shows timestamps from their exact stored units, nanoseconds included, in New York or UTC', () => {
    // 2024-01-02 14:30:00.123456789 UTC: a float of milliseconds cannot hold the last digits.
    expect(formatTimestampUnits(1704205800123456789n, TimeUnit.NANOSECOND, 'UTC')).toBe('2024-01-02 14:30:00.123456789Z');
    expect(formatTimestampUnits(1704205800123456789n, TimeUnit.NANOSECOND, 'America/New_York')).toBe('2024-01-02 09:30:00.123456789-05:00');
    expect(formatTimestampUnits(1704205800000000n, TimeUnit.MICROSECOND, 'UTC')).toBe('2024-01-02 14:30:00Z');
    expect(formatTimestampUnits(1719800100n, TimeUnit.SECOND, 'America/New_York')).toBe('2024-06-30 22:15:00-04:00');
    // Before 1970 the remainder is negative: -1 ms is 1969-12-31 23:59:59.999.
    expect(formatTimestampUnits(-1n, TimeUnit.MILLISECOND, 'UTC')).toBe('1969-12-31 23:59:59.999Z');
  });
});
