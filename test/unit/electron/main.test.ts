/**
 * Electron main's wiring with `electron` mocked: the window's security settings, the app://
 * protocol, the contract channels, events held until the renderer is ready, and the shutdown that
 * closes the backend. The lake service and the utility-process launcher are stand-ins here (both
 * are tested for real elsewhere); the backend itself is the real one over a temporary lake.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-electron-main-'));
const configFile = path.join(tmp, 'config.yaml');
fs.writeFileSync(configFile, 'source: demo\ndataRoot: ' + path.join(tmp, 'lake') + '\nmemory:\n  sampleIntervalMs: 100\n');
const previousConfig = process.env.QUANTMINI_CONFIG;
process.env.QUANTMINI_CONFIG = configFile;
afterAll(() => {
  if (previousConfig === undefined) delete process.env.QUANTMINI_CONFIG;
  else process.env.QUANTMINI_CONFIG = previousConfig;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const fake = vi.hoisted(() => {
  const appEvents = new Map<string, Array<(...a: unknown[]) => void>>();
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, Array<(event: unknown) => void>>();
  const windows: Array<{ options: Record<string, unknown>; loaded: string[]; sent: Array<[string, unknown]>; webContents: unknown; emitter: EventEmitter }> = [];
  return { appEvents, handlers, listeners, windows, exitCode: null as number | null, schemes: [] as unknown[], protocolHandlers: new Map<string, unknown>(), sandboxEnabled: false };
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
    focus() {}
    show() {}
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

  it('closes the backend (and the lake service) before quitting', async () => {
    let prevented = false;
    for (const fn of fake.appEvents.get('before-quit') ?? []) fn({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await until(() => fake.exitCode !== null);
    expect(fake.exitCode).toBe(0);
    expect(lakeCalls.closed).toBe(true);
  });
});
