/**
 * `QuantMini --scheduled-run` with `electron` mocked: the main process opens no window and no Dock
 * icon, runs one firing through the real backend, records it in the scheduled-run history, posts a
 * notification and exits with the CLI's code. The firing here meets a remembered lake whose drive
 * is unplugged, so it is refused before any job process would start (jobs are tested for real in
 * test/integration/app/scheduled-app-update.test.ts; utility processes need the Electron runtime).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readScheduledRuns } from '../../../core/schedule/scheduled-runs.ts';
import { rememberLake } from '../../../core/storage/known-lakes.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-electron-scheduled-'));
const lake = path.join(tmp, 'Volumes', 'Market Drive', 'lake');
const stateDir = path.join(tmp, 'state');
const configFile = path.join(tmp, 'config.yaml');
fs.writeFileSync(configFile, `source: demo\ndataRoot: ${lake}\ndemoDataRoot: ${lake}\n`);
const saved = { config: process.env.QUANTMINI_CONFIG, state: process.env.QUANTMINI_STATE_DIR, xdg: process.env.XDG_STATE_HOME, argv: process.argv };
process.env.QUANTMINI_CONFIG = configFile;
// The main process logs to the user log folder while the lake is absent: keep it in the temp folder.
process.env.XDG_STATE_HOME = path.join(tmp, 'xdg-state');
process.env.QUANTMINI_STATE_DIR = stateDir;
// Wednesday 2026-12-02, 07:00 in New York: due at the default 06:00.
process.argv = [...process.argv, '--scheduled-run', '--now=2026-12-02T12:00:00Z'];
// The drive the lake was last written on is not mounted: /<tmp>/Volumes/Market Drive does not exist.
await rememberLake(stateDir, lake, path.join(tmp, 'Volumes', 'Market Drive'));
afterAll(() => {
  process.env.QUANTMINI_CONFIG = saved.config;
  process.env.QUANTMINI_STATE_DIR = saved.state;
  if (saved.config === undefined) delete process.env.QUANTMINI_CONFIG;
  if (saved.state === undefined) delete process.env.QUANTMINI_STATE_DIR;
  if (saved.xdg === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = saved.xdg;
  process.argv = saved.argv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const fake = vi.hoisted(() => ({
  exitCode: null as number | null,
  windows: 0,
  dockHidden: false,
  notes: [] as Array<{ title: string; body: string; shown: boolean }>,
  written: [] as string[],
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class Notification extends EventEmitter {
    record: { title: string; body: string; shown: boolean };
    static isSupported = () => true;
    constructor(o: { title: string; body: string }) {
      super();
      this.record = { title: o.title, body: o.body, shown: false };
      fake.notes.push(this.record);
    }
    show() {
      this.record.shown = true;
      this.emit('show');
    }
  }
  return {
    app: {
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => true,
      on: () => undefined,
      whenReady: () => Promise.resolve(),
      getAppPath: () => tmp,
      getPath: () => path.join(tmp, 'userData'),
      getVersion: () => '9.8.7',
      isPackaged: false,
      dock: { hide: () => (fake.dockHidden = true) },
      exit: (code: number) => (fake.exitCode = code),
      quit: () => undefined,
      relaunch: () => undefined,
    },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    session: { defaultSession: {} },
    ipcMain: { handle: () => undefined, on: () => undefined },
    BrowserWindow: class {
      constructor() {
        fake.windows += 1;
      }
    },
    Notification,
    dialog: { showErrorBox: (t: string, m: string) => console.error(t, m), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    safeStorage: { isEncryptionAvailable: () => true, encryptString: (s: string) => Buffer.from(s), decryptString: (b: Buffer) => b.toString() },
    shell: { openExternal: async () => undefined },
  };
});

vi.mock('../../../electron/utility-process-launcher.ts', () => ({
  createUtilityProcessLauncher: () => ({ launch: () => { throw new Error('a refused firing starts no job'); }, dispose: () => undefined }),
}));

const lakeCalls = vi.hoisted(() => ({ closed: false }));
vi.mock('../../../core/lake-service/lake-service-client.ts', () => ({
  createLakeServiceClient: () => ({
    call: async () => ({}),
    configure: () => undefined,
    pid: () => undefined,
    restarts: () => 0,
    close: async () => {
      lakeCalls.closed = true;
    },
  }),
}));

const write = process.stdout.write.bind(process.stdout);
vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (String(chunk).startsWith('scheduled update')) fake.written.push(String(chunk));
  return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
});

await import('../../../electron/main.ts');

async function until<T>(fn: () => T | undefined | false | null, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('QuantMini --scheduled-run (electron mocked)', () => {
  it('refuses the unplugged lake: history record, a notification naming the drive, exit 1, no window', async () => {
    const code = await until(() => fake.exitCode);
    expect(code).toBe(1);
    expect(fake.windows).toBe(0);
    expect(fake.dockHidden).toBe(true);
    expect(lakeCalls.closed).toBe(true);
    const runs = readScheduledRuns(stateDir);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ date: '2026-12-02', outcome: 'refused', runId: null, lakeRoot: lake });
    expect(runs[0]!.message).toContain(path.join(tmp, 'Volumes', 'Market Drive'));
    expect(fake.notes).toHaveLength(1);
    expect(fake.notes[0]).toMatchObject({ title: 'Scheduled update did not run', shown: true });
    expect(fake.notes[0]!.body).toContain('Market Drive');
    expect(fake.written.join('')).toMatch(/^scheduled update refused for 2026-12-02: /);
    expect(fs.existsSync(lake)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'Volumes'))).toBe(false);
  });
});
