/**
 * A scheduled firing run by the app (what `QuantMini --scheduled-run` and a firing handed to the
 * open app do), through the real backend: demo simulator, job processes, lake service, a temporary
 * lake and state folder. It records the same history and returns the same exit codes as the CLI's
 * `schedule run`; the schedule's install and remove from Settings write the host's program.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppBackend, lakeServiceConfig, type AppBackend } from '../../../core/app/app-backend.ts';
import { runScheduledAppUpdate, SCHEDULED_EXIT } from '../../../core/app/scheduled-app-update.ts';
import { EXIT_LAKE_LOCKED } from '../../../core/cli/engine-run.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import { dispatchRequest } from '../../../core/contract/dispatch.ts';
import type { ScheduleChangeView } from '../../../core/contract/contract-views.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../../core/lake-service/lake-service-client.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { readScheduledRuns } from '../../../core/schedule/scheduled-runs.ts';
import { appScheduledProgram } from '../../../core/schedule/scheduled-command.ts';
import { rememberLake } from '../../../core/storage/known-lakes.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-sched-app-'));
const lakeRoot = path.join(dir, 'lake');
const stateDir = path.join(dir, 'state');
const home = path.join(dir, 'home');
const configFile = path.join(dir, 'config.yaml');
fs.writeFileSync(configFile, 'demo:\n  tickers: 12\ndatasets:\n  enabled: [stocks_daily]\n');
let backend: AppBackend;

// Wednesday 2026-12-02 07:00 New York: a trading day, past the default 06:00.
const WEDNESDAY = new Date('2026-12-02T12:00:00Z');
const SATURDAY = new Date('2026-12-05T12:00:00Z');

beforeAll(async () => {
  const flags = { config: configFile, dataRoot: lakeRoot, source: 'demo' as const };
  const config = loadConfig(flags);
  const launcher = createNodeProcessLauncher();
  const lakeService = createLakeServiceClient({ launcher, entry: nodeLakeServiceEntry(), config: lakeServiceConfig(config.settings, effectiveSource(config)) });
  backend = await createAppBackend({
    config, configFlags: flags, launcher, lakeService, host: 'electron', stateDir, version: '0.0.0-test',
    scheduledProgram: () => appScheduledProgram({ execPath: '/Applications/QuantMini.app/Contents/MacOS/QuantMini', appPath: '/x/app.asar', packaged: true, env: {} }),
    scheduleEnv: () => ({ env: { HOME: home }, platform: 'darwin', exec: () => ({ status: null, output: 'spawn ENOENT', missing: true }), uid: 501 }),
  });
});

afterAll(async () => {
  await backend?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fire = (now: Date) => runScheduledAppUpdate({ backend, stateDir, at: '06:00', lakeRoot, now: () => now, pollMs: 200 });

describe('a scheduled firing run by the app', () => {
  it('does nothing on a non-trading day: exit 0, no history', async () => {
    const r = await fire(SATURDAY);
    expect(r).toMatchObject({ record: null, exitCode: SCHEDULED_EXIT.done, decision: { due: false } });
    expect(readScheduledRuns(stateDir)).toEqual([]);
  });

  it('refuses while another writer holds the lake, with the CLI\'s EX_TEMPFAIL', async () => {
    expect(SCHEDULED_EXIT.tempfail).toBe(EXIT_LAKE_LOCKED);
    fs.mkdirSync(lakeRoot, { recursive: true });
    const lock = lakePaths(lakeRoot).lockFile;
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), command: 'quantmini update', startedAt: new Date().toISOString() }));
    try {
      const r = await fire(WEDNESDAY);
      expect(r.exitCode).toBe(SCHEDULED_EXIT.tempfail);
      expect(r.record).toMatchObject({ date: '2026-12-02', outcome: 'refused', runId: null, lakeRoot });
      expect(r.record!.message).toMatch(/being updated by pid/);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  });

  it('runs the update through the job processes, records it complete, and is then done for the day', async () => {
    const r = await fire(WEDNESDAY);
    expect(r.exitCode).toBe(SCHEDULED_EXIT.done);
    expect(r.record).toMatchObject({ date: '2026-12-02', outcome: 'complete' });
    expect(r.record!.runId).toMatch(/\S/);
    expect(r.record!.message).toMatch(/^2 job\(s\), succeeded/);
    const again = await fire(new Date('2026-12-02T14:00:00Z'));
    expect(again).toMatchObject({ record: null, exitCode: 0 });
    expect(readScheduledRuns(stateDir).map((x) => x.outcome)).toEqual(['refused', 'complete']);
  }, 60_000);

  it('refuses a remembered lake whose drive is gone: exit 1, nothing created in its place', async () => {
    const vanished = path.join(dir, 'Volumes', 'Market Drive');
    await rememberLake(stateDir, lakeRoot, vanished);
    try {
      const r = await fire(new Date('2026-12-03T12:00:00Z'));
      expect(r.exitCode).toBe(SCHEDULED_EXIT.failed);
      expect(r.record).toMatchObject({ date: '2026-12-03', outcome: 'refused' });
      expect(r.record!.message).toContain(vanished);
      expect(fs.existsSync(vanished)).toBe(false);
    } finally {
      await rememberLake(stateDir, lakeRoot, '/');
    }
  });

  it('installs the schedule from Settings with the app binary and --scheduled-run, and removes it', async () => {
    const install = await dispatchRequest(backend.handlers, 'schedule.install', { at: '06:30' });
    expect(install.ok).toBe(true);
    const change = (install as { value: ScheduleChangeView }).value;
    const plist = path.join(home, 'Library', 'LaunchAgents', 'dev.quantmini.update.plist');
    expect(change).toMatchObject({ kind: 'launchd', files: [plist], activated: false, status: { enabled: true, at: '06:30' } });
    expect(change.status.install).toEqual({
      available: true, installed: true, kind: 'launchd', program: ['/Applications/QuantMini.app/Contents/MacOS/QuantMini', '--scheduled-run'],
    });
    const text = fs.readFileSync(plist, 'utf8');
    expect(text).toContain('<string>/Applications/QuantMini.app/Contents/MacOS/QuantMini</string>\n    <string>--scheduled-run</string>');
    expect(text).toMatch(/<key>Minute<\/key>\s*<integer>30<\/integer>/);
    expect(fs.readFileSync(configFile, 'utf8')).toMatch(/schedule:\s*\n\s+enabled: true\n\s+at: "?06:30"?/);

    const removed = await dispatchRequest(backend.handlers, 'schedule.remove', {});
    expect(removed).toMatchObject({ ok: true, value: { files: [plist], status: { enabled: false, install: { installed: false } } } });
    expect(fs.existsSync(plist)).toBe(false);
  });
});
