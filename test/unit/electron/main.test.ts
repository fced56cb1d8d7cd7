/**
 * Electron main's wiring with `electron` mocked: the window's security settings, the app://
 * protocol, the contract channels, events held until the renderer is ready, and the shutdown that
 * closes the backend; the schedule it offers to install and a scheduled firing handed over by a
 * second instance. The lake service and the utility-process launcher are stand-ins here (both are
 * tested for real elsewhere); the backend itself is the real one over a temporary lake.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readScheduledRuns } from '../../../core/schedule/scheduled-runs.ts';
import { rememberLake } from '../../../core/storage/known-lakes.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-electron-main-'));
const configFile = path.join(tmp, 'config.yaml');
const lake = path.join(tmp, 'lake');
fs.writeFileSync(configFile, `source: demo\ndataRoot: ${lake}\ndemoDataRoot: ${lake}\nmemory:\n  sampleIntervalMs: 100\n`);
const previousConfig = process.env.QUANTMINI_CONFIG;
const previousState = process.env.QUANTMINI_STATE_DIR;
process.env.QUANTMINI_CONFIG = configFile;
// Known lakes and the scheduled-run history of this test stay in its temp folder.
process.env.QUANTMINI_STATE_DIR = path.join(tmp, 'state');
// So does the main process's log while the lake folder does not exist yet.
const previousXdgState = process.env.XDG_STATE_HOME;
process.env.XDG_STATE_HOME = path.join(tmp, 'xdg-state');
afterAll(() => {
  if (previousXdgState === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = previousXdgState;
  if (previousState === undefined) delete process.env.QUANTMINI_STATE_DIR;
  else process.env.QUANTMINI_STATE_DIR = previousState;
  if (previousConfig === undefined) delete process.env.QUANTMINI_CONFIG;
  else process.env.QUANTMINI_CONFIG = previousConfig;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const fake = vi.hoisted(() => {
  const appEvents = new Map<string, Array<(...a: unknown[]) => void>>();
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, Array<(event: unknown) => void>>();
  const windows: Array<{ options: Record<string, unknown>; loaded: string[]; sent: Array<[string, unknown]>; webContents: unknown; emitter: EventEmitter }> = [];
  return {
    appEvents, handlers, listeners, windows, exitCode: null as number | null, schemes: [] as unknown[], protocolHandlers: new Map<string, unknown>(), sandboxEnabled: false,
    focused: 0, notes: [] as string[], trays: [] as Array<{ menu: Array<{ label?: string }>; destroyed: boolean }>,
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow extends Emitter {
    webContents: EventEmitter & { send: (c: string, p: unknown) => void; isDestroyed: () => boolean };
    record: (typeof fake.windows)[number];
    constructor(options: Record<string, unknown>) {
      super();
      const sent: Array<[string, unknown]> = [];
      const wc = Object.assign(new Emitter(), { send: (c: string, p: unknown) => sent.push([c, p]), isDestroyed: () => false });
      this.webContents = wc;
      this.record = { options, loaded: [], sent, webContents: wc, emitter: this };
      fake.windows.push(this.record);
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      fake.focused += 1;
    }
    show() {}
  }
  class Notification extends Emitter {
    static isSupported = () => true;
    constructor(readonly o: { title: string }) {
      super();
    }
    show() {
      fake.notes.push(this.o.title);
      this.emit('show');
    }
  }
  return {
    app: {
      enableSandbox: () => (fake.sandboxEnabled = true),
      requestSingleInstanceLock: () => true,
      on: (e: string, fn: (...a: unknown[]) => void) => fake.appEvents.set(e, [...(fake.appEvents.get(e) ?? []), fn]),
      whenReady: () => Promise.resolve(),
      getAppPath: () => tmp,
      getPath: () => path.join(tmp, 'userData'),
      getVersion: () => '9.8.7',
      isPackaged: false,
      exit: (code: number) => (fake.exitCode = code),
      quit: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => fake.schemes.push(...s),
      handle: (scheme: string, fn: unknown) => fake.protocolHandlers.set(scheme, fn),
    },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined } },
    ipcMain: {
      handle: (c: string, fn: (event: unknown, ...args: unknown[]) => unknown) => fake.handlers.set(c, fn),
      removeHandler: (c: string) => fake.handlers.delete(c),
      on: (c: string, fn: (event: unknown) => void) => fake.listeners.set(c, [...(fake.listeners.get(c) ?? []), fn]),
      removeListener: () => undefined,
    },
    BrowserWindow,
    Notification,
    Tray: class {
      record = { menu: [] as Array<{ label?: string }>, destroyed: false };
      constructor() {
        fake.trays.push(this.record);
      }
      setToolTip() {}
      setContextMenu(menu: Array<{ label?: string }>) {
        this.record.menu = menu;
      }
      destroy() {
        this.record.destroyed = true;
      }
    },
    Menu: { buildFromTemplate: (items: unknown[]) => items },
    nativeImage: { createFromDataURL: () => ({ addRepresentation: () => undefined, setTemplateImage: () => undefined }) },
    dialog: { showErrorBox: (t: string, m: string) => console.error(t, m), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    safeStorage: { isEncryptionAvailable: () => true, encryptString: (s: string) => Buffer.from(s), decryptString: (b: Buffer) => b.toString() },
    shell: { openExternal: async () => undefined },
  };
});

vi.mock('../../../electron/utility-process-launcher.ts', () => ({
  createUtilityProcessLauncher: () => ({ launch: () => { throw new Error('no job runs in this test'); }, dispose: () => undefined }),
}));

const lakeCalls = vi.hoisted(() => ({ closed: false, configured: [] as unknown[] }));
vi.mock('../../../core/lake-service/lake-service-client.ts', () => ({
  createLakeServiceClient: () => ({
    call: async () => ({ path: '', entries: [] }),
    configure: (c: unknown) => lakeCalls.configured.push(c),
    pid: () => undefined,
    restarts: () => 0,
    close: async () => {
      lakeCalls.closed = true;
    },
  }),
}));

await import('../../../electron/main.ts');

async function until<T>(fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('electron main (electron mocked)', () => {
  it('sandboxes every renderer and registers the app:// scheme before ready', () => {
    expect(fake.sandboxEnabled).toBe(true);
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('creates the window isolated, sandboxed, without Node, with the CommonJS preload, and loads app://', async () => {
    const win = await until(() => (fake.windows[0]?.loaded.length ? fake.windows[0] : undefined));
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(win.loaded).toEqual(['app://quantmini/index.html']);
    expect(fake.protocolHandlers.has('app')).toBe(true);
  });

  it('registers every contract channel and answers a trusted request from the real backend', async () => {
    await until(() => fake.handlers.size > 0);
    const info = fake.handlers.get('qm:app.info')!;
    expect(await info({ senderFrame: { url: 'app://quantmini/index.html' } }, {})).toMatchObject({ ok: true, value: { version: '9.8.7', host: 'electron', mode: 'demo' } });
    expect(await info({ senderFrame: { url: 'https://evil.example/' } }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('holds events until the renderer says it is ready', async () => {
    const win = fake.windows[0]!;
    await new Promise((r) => setTimeout(r, 400));
    expect(win.sent).toEqual([]);
    for (const fn of fake.listeners.get('qm:ready') ?? []) fn({ sender: win.webContents, senderFrame: { url: 'app://quantmini/index.html' } });
    await until(() => win.sent.length > 0);
    expect(win.sent[0]![0]).toBe('qm:event');
    expect(win.sent[0]![1]).toMatchObject({ name: 'system.memory' });
  });

  it('offers to install the schedule with this binary, the app folder and --scheduled-run (unpackaged)', async () => {
    const status = await fake.handlers.get('qm:schedule.status')!({ senderFrame: { url: 'app://quantmini/index.html' } }, {});
    expect(status).toMatchObject({ ok: true, value: { enabled: false, install: { available: true, program: [process.execPath, tmp, '--scheduled-run'] } } });
  });

  it('shows the menu-bar item only once Settings turns it on, and removes it when turned off', async () => {
    const trusted = { senderFrame: { url: 'app://quantmini/index.html' } };
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.trays).toEqual([]);
    expect(await fake.handlers.get('qm:settings.update')!(trusted, { menuBar: true })).toMatchObject({ ok: true });
    const tray = await until(() => (fake.trays[0]?.menu.length ? fake.trays[0] : undefined));
    expect(tray.menu.map((i) => i.label)).toEqual(['No update yet', undefined, 'Update now', 'Open QuantMini']);
    await fake.handlers.get('qm:settings.update')!(trusted, { menuBar: false });
    await until(() => tray.destroyed);
    expect(fake.trays).toHaveLength(1);
  });

  it('runs a scheduled firing handed over by a second instance, leaving the window alone', async () => {
    const stateDir = path.join(tmp, 'state');
    const drive = path.join(tmp, 'Volumes', 'Drive');
    await rememberLake(stateDir, lake, drive);
    try {
      const focusedBefore = fake.focused;
      for (const fn of fake.appEvents.get('second-instance') ?? []) fn({}, ['QuantMini', '--scheduled-run', '--now=2026-12-02T12:00:00Z'], tmp, {});
      const runs = await until(() => (readScheduledRuns(stateDir).length ? readScheduledRuns(stateDir) : undefined));
      expect(runs).toMatchObject([{ date: '2026-12-02', outcome: 'refused', lakeRoot: lake }]);
      expect(runs[0]!.message).toContain(drive);
      await until(() => fake.notes.includes('Scheduled update did not run'));
      expect(fake.focused).toBe(focusedBefore);
      expect(fake.exitCode).toBeNull();
    } finally {
      await rememberLake(stateDir, lake, '/');
    }
  });

  it('closes the backend (and the lake service) before quitting', async () => {
    let prevented = false;
    for (const fn of fake.appEvents.get('before-quit') ?? []) fn({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await until(() => fake.exitCode !== null);
    expect(fake.exitCode).toBe(0);
    expect(lakeCalls.closed).toBe(true);
  });
});
