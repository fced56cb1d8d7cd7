import { describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../../core/contract/bridge.ts';
import type { RunSummaryView } from '../../../core/contract/contract-views.ts';
import { runNotification } from '../../../core/notify/run-notification.ts';
import { createRunNotifier } from '../../../electron/run-notifier.ts';

function summary(over: Partial<RunSummaryView>): RunSummaryView {
  return { runId: 'r1', kind: 'update', outcome: 'succeeded', startedAt: '2026-12-01T11:00:00Z', finishedAt: '2026-12-01T11:02:00Z', durationMs: 120_000, counts: { complete: 4 }, error: null, ...over };
}

describe('run notifications', () => {
  it('say how an update ended, and ask for attention only when something failed', () => {
    expect(runNotification(summary({}))).toEqual({ title: 'Update finished', body: '4 job(s) complete; the lake is up to date.', urgent: false });
    expect(runNotification(summary({ outcome: 'partial', counts: { complete: 3, failed: 1 } }))).toMatchObject({ title: 'Update finished with problems', body: '1 of 4 job(s) failed; open Runs for details.', urgent: true });
    expect(runNotification(summary({ kind: 'backfill', outcome: 'failed', error: 'disk full on /Volumes/Lake' }))).toMatchObject({ title: 'Backfill failed', body: 'disk full on /Volumes/Lake', urgent: true });
    expect(runNotification(summary({ outcome: 'cancelled' }))).toBeNull();
  });

  it("are shown by the Electron main process on run.finished only, and a click brings the window back", () => {
    const shown: Array<{ title: string; body?: string; urgency?: string }> = [];
    const clicks: Array<() => void> = [];
    let focused = 0;
    const notify = createRunNotifier(
      {
        isSupported: () => true,
        create: (o) => ({
          show: () => shown.push({ title: o.title ?? '', body: o.body, urgency: o.urgency }),
          on: ((_e: string, cb: () => void) => clicks.push(cb)) as never,
        }),
      },
      () => (focused += 1),
    );
    notify({ name: 'run.started', payload: {} } as unknown as ContractEvent);
    notify({ name: 'run.finished', payload: summary({ outcome: 'failed', counts: { failed: 2 } }) });
    expect(shown).toEqual([{ title: 'Update failed', body: '2 of 2 job(s) failed; open Runs for details.', urgency: 'critical' }]);
    clicks[0]!();
    expect(focused).toBe(1);
  });
});
