import { describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../../core/contract/bridge.ts';
import { createEventQueue } from '../../../electron/event-queue.ts';

const progress = (n: number): ContractEvent => ({ name: 'job.progress', payload: { jobId: `j${n}` } as never });

describe('event queue', () => {
  it('holds events until the renderer is ready, then delivers them in order and the rest directly', () => {
    const delivered: ContractEvent[] = [];
    const q = createEventQueue((e) => delivered.push(e));
    q.push(progress(1));
    q.push(progress(2));
    expect(delivered).toEqual([]);
    expect(q.pending()).toBe(2);
    q.markReady();
    expect(delivered).toEqual([progress(1), progress(2)]);
    q.push(progress(3));
    expect(delivered).toHaveLength(3);
  });

  it('holds again after a reload until the new page is ready', () => {
    const delivered: ContractEvent[] = [];
    const q = createEventQueue((e) => delivered.push(e));
    q.markReady();
    q.reset();
    q.push(progress(1));
    expect(delivered).toEqual([]);
    q.markReady();
    expect(delivered).toEqual([progress(1)]);
  });

  it('keeps only the newest events while nobody listens', () => {
    const delivered: ContractEvent[] = [];
    const q = createEventQueue((e) => delivered.push(e), { max: 3 });
    for (let i = 1; i <= 10; i++) q.push(progress(i));
    q.markReady();
    expect(delivered).toEqual([progress(8), progress(9), progress(10)]);
  });
});
