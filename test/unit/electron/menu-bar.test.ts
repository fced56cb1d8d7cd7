/**
 * The menu-bar item with Electron's Tray and Menu replaced by recorders: what it says about the
 * last update (New York time, outcome, error), "Update now" starting the update through the
 * contract and disabled while a run is on, and the menu rebuilt when a run starts or finishes.
 */
import { describe, expect, it } from 'vitest';
import { createAppEvents } from '../../../core/app/app-events.ts';
import type { Handlers } from '../../../core/contract/dispatch.ts';
import type { RunSummaryView } from '../../../core/contract/contract-views.ts';
import { lastUpdateLine, menuBarItems, showMenuBar, type MenuBarApi } from '../../../electron/menu-bar.ts';

const failedUpdate: RunSummaryView = {
  runId: 'r2', kind: 'update', outcome: 'failed', startedAt: '2026-12-02T11:00:00.000Z', finishedAt: '2026-12-02T11:05:00.000Z',
  durationMs: 300_000, counts: { failed: 1 }, error: 'the volume /Volumes/Drive is full', maxParallel: null, concurrency: null, jobs: [],
} as unknown as RunSummaryView;

describe('menu-bar item', () => {
  it('says when the last update ended and how, in New York time', () => {
    expect(lastUpdateLine({ lastUpdate: null, running: false })).toBe('No update yet');
    expect(lastUpdateLine({ lastUpdate: failedUpdate, running: false })).toBe('Last update failed: Wed, Dec 2, 06:05 New York');
    const items = menuBarItems({ lastUpdate: failedUpdate, running: true }, { updateNow: () => undefined, open: () => undefined });
    expect(items.map((i) => [i.id ?? i.type, i.label, i.enabled])).toEqual([
      ['last-update', 'Last update failed: Wed, Dec 2, 06:05 New York', false],
      ['last-error', 'the volume /Volumes/Drive is full', false],
      ['separator', undefined, undefined],
      ['update-now', 'Updating…', false],
      ['open', 'Open QuantMini', undefined],
    ]);
  });

  it('starts the update from "Update now" and rebuilds its menu when runs start and finish', async () => {
    const menus: Array<Array<{ id?: string; label?: string; click?: () => void }>> = [];
    const tips: string[] = [];
    let destroyed = false;
    const api: MenuBarApi = {
      icon: () => ({}) as never,
      createTray: () => ({ setToolTip: (t: string) => tips.push(t), setContextMenu: (m: unknown) => menus.push(m as never), destroy: () => (destroyed = true) }),
      buildMenu: (items) => items as never,
    };
    let runs: RunSummaryView[] = [];
    let starts = 0;
    const events = createAppEvents();
    const handlers = {
      'runs.list': () => runs,
      'runs.active': () => ({ run: null, progress: [], runProgress: null }),
      'runs.startUpdate': () => {
        starts += 1;
        return { runId: 'r3' };
      },
    } as unknown as Handlers;
    const errors: string[] = [];
    const bar = showMenuBar(api, { handlers, events }, { open: () => undefined, onError: (m) => errors.push(m) });
    await bar.refresh();
    expect(menus.at(-1)!.map((i) => i.label)).toEqual(['No update yet', undefined, 'Update now', 'Open QuantMini']);
    menus.at(-1)!.find((i) => i.id === 'update-now')!.click!();
    await new Promise((r) => setTimeout(r, 20));
    expect(starts).toBe(1);
    expect(errors).toEqual([]);

    runs = [failedUpdate];
    const before = menus.length;
    events.emit('run.finished', failedUpdate);
    await new Promise((r) => setTimeout(r, 20));
    expect(menus.length).toBeGreaterThan(before);
    expect(menus.at(-1)![0]!.label).toBe('Last update failed: Wed, Dec 2, 06:05 New York');
    expect(tips.at(-1)).toBe('QuantMini: Last update failed: Wed, Dec 2, 06:05 New York');
    bar.destroy();
    expect(destroyed).toBe(true);
  });
});
