import { describe, expect, it } from 'vitest';
import { toggleColumn } from '../../../renderer/lib/column-choice.ts';
import { holdIdleWork, runWhenIdle } from '../../../renderer/lib/idle-queue.ts';

/** An idle API driven by hand: `tick()` runs the one pending idle callback. */
function manualIdle() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    api: {
      request: (run: () => void) => {
        pending.set(next, run);
        return next++;
      },
      cancel: (h: number) => void pending.delete(h),
    },
    pending,
    async tick() {
      const [h, run] = [...pending][0] ?? [];
      if (h === undefined || !run) return false;
      pending.delete(h);
      run();
      // Let the job's promise settle and the next request be made.
      await new Promise((r) => setTimeout(r, 0));
      return true;
    },
  };
}

describe('holdIdleWork', () => {
  it('keeps jobs waiting while held and runs them once the last hold is released', async () => {
    const idle = manualIdle();
    const ran: string[] = [];
    const releaseA = holdIdleWork();
    const releaseB = holdIdleWork();
    runWhenIdle([() => ran.push('job')], idle.api);
    await idle.tick();
    expect(ran).toEqual([]);
    releaseA();
    expect(ran).toEqual([]);
    releaseB();
    releaseB();
    await idle.tick();
    expect(ran).toEqual(['job']);
  });

  it('lets go by itself after maxMs so a forgotten hold cannot stop background work', async () => {
    const idle = manualIdle();
    const ran: string[] = [];
    holdIdleWork(20);
    runWhenIdle([() => ran.push('job')], idle.api);
    await idle.tick();
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    await idle.tick();
    expect(ran).toEqual(['job']);
  });
});

describe('runWhenIdle', () => {
  it('runs one job per idle period, in order, waiting for each promise and surviving failures', async () => {
    const idle = manualIdle();
    const ran: string[] = [];
    let release: () => void = () => undefined;
    runWhenIdle(
      [
        () => ran.push('a'),
        () =>
          new Promise<void>((resolve) => {
            ran.push('b');
            release = resolve;
          }),
        () => {
          ran.push('c');
          throw new Error('a failing job must not stop the queue');
        },
        () => Promise.reject(new Error('nor a rejected one')).finally(() => ran.push('d')),
        () => ran.push('e'),
      ],
      idle.api,
    );
    expect(ran).toEqual([]);
    await idle.tick();
    expect(ran).toEqual(['a']);
    await idle.tick();
    expect(ran).toEqual(['a', 'b']);
    // Nothing else is asked for until b's promise settles.
    expect(idle.pending.size).toBe(0);
    release();
    await new Promise((r) => setTimeout(r, 0));
    while (await idle.tick());
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stops what has not started', async () => {
    const idle = manualIdle();
    const ran: number[] = [];
    const stop = runWhenIdle([1, 2, 3].map((n) => () => ran.push(n)), idle.api);
    await idle.tick();
    stop();
    expect(idle.pending.size).toBe(0);
    expect(await idle.tick()).toBe(false);
    expect(ran).toEqual([1]);
  });
});

describe('toggleColumn', () => {
  const all = ['ticker', 'open', 'close', 'volume'];
  it('keeps file order and returns null once every column is shown again', () => {
    const noClose = toggleColumn(all, null, 'close');
    expect(noClose).toEqual(['ticker', 'open', 'volume']);
    const noOpen = toggleColumn(all, noClose, 'open');
    expect(noOpen).toEqual(['ticker', 'volume']);
    expect(toggleColumn(all, noOpen, 'close')).toEqual(['ticker', 'close', 'volume']);
    expect(toggleColumn(all, ['ticker', 'open', 'volume'], 'close')).toBeNull();
    expect(toggleColumn(['only'], null, 'only')).toEqual([]);
  });
});
