/**
 * The optional menu-bar item (Electron's Tray; off unless Settings turns it on): the last update's
 * time and outcome, "Update now", and a way back to the window. Its menu is rebuilt whenever a run
 * starts or finishes, from the runs in the lake, so it says the same as the Runs page.
 */
import type { MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { AppBackend } from '../core/app/app-backend.ts';
import { dispatchRequest } from '../core/contract/dispatch.ts';
import type { RunSummaryView } from '../core/contract/contract-views.ts';
import { TRAY_ICON_1X, TRAY_ICON_2X } from './tray-icon.ts';

/** What the menu-bar item needs from Electron (injected: tests run without the runtime). */
export interface MenuBarApi {
  createTray(icon: NativeImage): Pick<Tray, 'setToolTip' | 'setContextMenu' | 'destroy'>;
  buildMenu(items: MenuItemConstructorOptions[]): Parameters<Tray['setContextMenu']>[0];
  icon(): NativeImage;
}

/** What the menu shows. */
export interface MenuBarState {
  /** The newest update run, or null when the lake has none. */
  lastUpdate: Pick<RunSummaryView, 'outcome' | 'startedAt' | 'finishedAt' | 'error'> | null;
  /** An update, backfill or retry is running now. */
  running: boolean;
}

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York', weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

const OUTCOME_WORDS: Record<RunSummaryView['outcome'], string> = {
  running: 'running',
  succeeded: 'finished',
  partial: 'finished with problems',
  failed: 'failed',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};

/** The line that says how the last update went, in New York time like the rest of the app. */
export function lastUpdateLine(state: MenuBarState): string {
  const u = state.lastUpdate;
  if (!u) return 'No update yet';
  const at = NEW_YORK.format(new Date(u.finishedAt ?? u.startedAt));
  return `Last update ${OUTCOME_WORDS[u.outcome]}: ${at} New York`;
}

/** The menu's items for a state; `updateNow` and `open` are what the two actions do. */
export function menuBarItems(state: MenuBarState, actions: { updateNow: () => void; open: () => void }): MenuItemConstructorOptions[] {
  return [
    { id: 'last-update', label: lastUpdateLine(state), enabled: false },
    ...(state.lastUpdate?.error ? [{ id: 'last-error', label: state.lastUpdate.error.slice(0, 120), enabled: false }] : []),
    { type: 'separator' },
    { id: 'update-now', label: state.running ? 'Updating…' : 'Update now', enabled: !state.running, click: actions.updateNow },
    { id: 'open', label: 'Open QuantMini', click: actions.open },
  ];
}

/** The current state, read through the contract (the lake's run journal and the run manager). */
export async function readMenuBarState(backend: Pick<AppBackend, 'handlers'>): Promise<MenuBarState> {
  const [list, active] = await Promise.all([
    dispatchRequest(backend.handlers, 'runs.list', { limit: 50 }),
    dispatchRequest(backend.handlers, 'runs.active', {}),
  ]);
  const runs = list.ok ? (list.value as RunSummaryView[]) : [];
  const running = active.ok && (active.value as { run: unknown }).run !== null;
  const last = runs.find((r) => r.kind === 'update' && r.outcome !== 'running') ?? null;
  return { lastUpdate: last ? { outcome: last.outcome, startedAt: last.startedAt, finishedAt: last.finishedAt, error: last.error } : null, running };
}

/** A shown menu-bar item. */
export interface MenuBar {
  refresh(): Promise<void>;
  destroy(): void;
}

/** Electron's own pieces for the API (main.ts passes Tray, Menu and nativeImage). */
export function electronMenuBarApi(e: {
  Tray: new (icon: NativeImage) => Tray;
  Menu: { buildFromTemplate(items: MenuItemConstructorOptions[]): Parameters<Tray['setContextMenu']>[0] };
  nativeImage: { createFromDataURL(url: string): NativeImage };
}): MenuBarApi {
  return {
    createTray: (icon) => new e.Tray(icon),
    buildMenu: (items) => e.Menu.buildFromTemplate(items),
    icon: () => {
      const image = e.nativeImage.createFromDataURL(TRAY_ICON_1X);
      image.addRepresentation({ scaleFactor: 2, dataURL: TRAY_ICON_2X });
      image.setTemplateImage(true);
      return image;
    },
  };
}

/**
 * Shows the item and keeps it current: its menu is rebuilt on every run start and end. "Update now"
 * starts the same update as the Today page; when it cannot start, `onError` says why.
 */
export function showMenuBar(
  api: MenuBarApi,
  backend: Pick<AppBackend, 'handlers' | 'events'>,
  actions: { open: () => void; onError: (message: string) => void },
): MenuBar {
  const tray = api.createTray(api.icon());
  let destroyed = false;
  const updateNow = () => {
    void dispatchRequest(backend.handlers, 'runs.startUpdate', {}).then((r) => {
      if (!r.ok) actions.onError(r.error.message);
      void refresh();
    });
  };
  const refresh = async () => {
    const state = await readMenuBarState(backend);
    if (destroyed) return;
    tray.setToolTip(`QuantMini: ${lastUpdateLine(state)}`);
    tray.setContextMenu(api.buildMenu(menuBarItems(state, { updateNow, open: actions.open })));
  };
  const stop = backend.events.subscribe((e) => {
    if (e.name === 'run.started' || e.name === 'run.finished') void refresh();
  });
  void refresh();
  return {
    refresh,
    destroy() {
      destroyed = true;
      stop();
      tray.destroy();
    },
  };
}
