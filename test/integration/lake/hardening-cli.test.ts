/**
 * Hardening issue, items 6, 7, 9, 10 and 11, through the real CLI as a new user runs it: a lake
 * that cannot be written can still be read, a landing file damaged on disk is repaired by the next
 * run, rejected credentials are a credential error (not a plan limit), impossible dates are
 * refused at the contract, and an ingest with nothing to ingest exits 1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchemas } from '../../../core/contract/contract.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';
import { hashTree, runCli, tempDir } from '../../support/cli.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const [D1, D2] = ['2024-03-04', '2024-03-05'];
let lake: string;
let home: string;

beforeAll(async () => {
  lake = tempDir('qm-hard-lake-');
  home = tempDir('qm-hard-home-');
  const r = await runCli(['--data-root', lake, '--source', 'demo', 'backfill', '--dataset', 'stocks_daily', '--from', D1, '--to', D2], { home });
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  for (const d of [lake, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('a damaged landing file is repaired (item 7)', () => {
  function flipByte(file: string): void {
    const bytes = fs.readFileSync(file);
    const i = Math.floor(bytes.length / 2);
    bytes[i] = bytes[i]! ^ 0xff;
    fs.writeFileSync(file, bytes);
  }

  it('backfill downloads it again although its size and ETag still match', async () => {
    const landing = lakePaths(lake).landingFile('stocks_daily', D1);
    const good = fs.readFileSync(landing);
    flipByte(landing);
    fs.rmSync(lakePaths(lake).bronzeFile('stocks_daily', D1), { force: true });
    const r = await runCli(['--data-root', lake, '--source', 'demo', 'backfill', '--dataset', 'stocks_daily', '--from', D1, '--to', D1], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(landing).equals(good)).toBe(true);
    expect((await readPartitionRecord(lake, 'bronze', 'stocks_daily', D1))?.status).toBe('complete');
  }, 120_000);

  it('ingest refuses it naming the file, and the next update repairs it', async () => {
    const landing = lakePaths(lake).landingFile('stocks_daily', D2);
    const good = fs.readFileSync(landing);
    flipByte(landing);
    // Bronze is up to date, so only --force makes ingest read the landing file again.
    const ingest = await runCli(['--data-root', lake, '--source', 'demo', 'ingest', '--force', '--dataset', 'stocks_daily', '--from', D2, '--to', D2], { home });
    expect(ingest.code).toBe(1);
    expect(ingest.stdout + ingest.stderr).toContain(`the landing file ${landing} does not match its landing record`);
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', D2))?.status).toBe('failed');
    const update = await runCli(['--data-root', lake, '--source', 'demo', 'update', '--date', D2, '--datasets', 'stocks_daily'], { home });
    expect(update.code, update.stderr).toBe(0);
    expect(fs.readFileSync(landing).equals(good)).toBe(true);
    expect((await readPartitionRecord(lake, 'bronze', 'stocks_daily', D2))?.status).toBe('complete');
  }, 120_000);

  it('a landing file placed by hand is ingested and recorded as found', async () => {
    const D3 = '2024-03-06';
    const from = lakePaths(lake).landingFile('stocks_daily', D2);
    const to = lakePaths(lake).landingFile('stocks_daily', D3);
    // The D2 file under D3's name: its bars fall outside D3, so every row is rejected; that is
    // beside the point here, which is the record the hand-placed file gets.
    fs.copyFileSync(from, to);
    await runCli(['--data-root', lake, '--source', 'demo', 'ingest', '--force', '--dataset', 'stocks_daily', '--from', D3, '--to', D3], { home });
    expect(await readPartitionRecord(lake, 'landing', 'stocks_daily', D3)).toMatchObject({ status: 'complete', origin: 'found', etag: null });
  }, 60_000);
});

describe('an ingest with nothing to ingest fails (item 11)', () => {
  it('exits 1 with the message it prints', async () => {
    const r = await runCli(['--data-root', lake, '--source', 'demo', 'ingest', '--dataset', 'stocks_minute', '--from', D1, '--to', D1], { home });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/no landing file to ingest/);
  }, 60_000);
});

describe('impossible dates are refused at the contract (item 10)', () => {
  it('answers invalid input for 2026-13-45 and 2026-02-30, and takes 2024-02-29', () => {
    const coverage = requestSchemas['lake.coverage'];
    expect(coverage.safeParse({ layer: 'bronze', from: '2026-13-45', to: '2026-12-31' }).success).toBe(false);
    const backfill = requestSchemas['runs.startBackfill'];
    const bad = backfill.safeParse({ layer: 'bronze', cells: [{ dataset: 'stocks_daily', date: '2026-02-30' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/not a calendar date/);
    expect(backfill.safeParse({ layer: 'bronze', cells: [{ dataset: 'stocks_daily', date: '2024-02-29' }] }).success).toBe(true);
  });

  it('the CLI refuses them too', async () => {
    const r = await runCli(['--data-root', lake, 'gaps', '--dataset', 'stocks_daily', '--from', '2026-02-30', '--to', '2026-03-31'], { home });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"2026-02-30" is not a date/);
  });
});

describe('rejected credentials are a credential error, not a plan limit (item 9)', () => {
  let sim: RunningSimulator;
  let credHome: string;
  let credLake: string;
  beforeAll(async () => {
    sim = await startSimulatorServers({ seed: 7, tickers: 5, from: '2024-01-02', to: '2024-03-28' });
    credHome = tempDir('qm-cred-home-');
    credLake = tempDir('qm-cred-lake-');
    fs.mkdirSync(path.join(credHome, '.config', 'quantmini'), { recursive: true });
    fs.writeFileSync(path.join(credHome, '.config', 'quantmini', 'config.yaml'), `source: massive\nmassive:\n  s3:\n    endpoint: ${sim.s3Endpoint}\n`);
  });
  afterAll(async () => {
    await sim?.close();
    for (const d of [credHome, credLake]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('update with a wrong secret exits 1 saying so, retries nothing, and marks no day not_entitled', async () => {
    const env = { MASSIVE_S3_ACCESS_KEY_ID: sim.accessKeyId, MASSIVE_S3_SECRET_ACCESS_KEY: 'not-the-secret-at-all' };
    const r = await runCli(['--data-root', credLake, '--json', 'update', '--date', '2024-03-28', '--days-back', '3', '--datasets', 'stocks_daily'], { home: credHome, env });
    expect(r.code).toBe(1);
    const { summary } = JSON.parse(r.stdout) as { summary: { state: string; error?: string; jobs: Array<{ kind: string; state: string; attempts: number; error?: string }> } };
    expect(summary.state).toBe('failed');
    expect(summary.error).toMatch(/the S3 secret key was rejected \(403 SignatureDoesNotMatch\)/);
    const failed = summary.jobs.filter((j) => j.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const j of summary.jobs) expect(j.attempts).toBeLessThanOrEqual(1);
    for (const j of summary.jobs) expect(j.state).not.toBe('not_entitled');
    expect(summary.jobs.some((j) => j.state === 'skipped' && /not started|stopped/.test(j.error ?? ''))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('not-the-secret-at-all');
  }, 120_000);

  it('a plan limit stays not_entitled', async () => {
    sim.setPlan('starter');
    const env = { MASSIVE_S3_ACCESS_KEY_ID: sim.accessKeyId, MASSIVE_S3_SECRET_ACCESS_KEY: sim.secretAccessKey };
    const r = await runCli(['--data-root', credLake, '--json', 'update', '--date', '2024-03-28', '--datasets', 'options_daily'], { home: credHome, env });
    const { summary } = JSON.parse(r.stdout) as { summary: { jobs: Array<{ kind: string; state: string }> } };
    expect(summary.jobs.find((j) => j.kind === 'download')?.state).toBe('not_entitled');
  }, 120_000);
});

describe('a lake that cannot be written can still be read (item 6)', () => {
  let view: string | null = null;
  let why = '';
  beforeAll(() => {
    // A read-only bind mount needs root (the CI machine and this one run as root); a plain user
    // gets the same effect from the permission bits of a copy.
    const target = tempDir('qm-ro-view-');
    try {
      if (process.getuid?.() === 0) {
        execFileSync('mount', ['--bind', lake, target]);
        execFileSync('mount', ['-o', 'remount,bind,ro', target]);
      } else {
        fs.cpSync(lake, target, { recursive: true });
        execFileSync('chmod', ['-R', 'a-w', target]);
      }
      view = target;
    } catch (err) {
      why = (err as Error).message;
      fs.rmSync(target, { recursive: true, force: true });
    }
  });
  afterAll(() => {
    if (!view) return;
    if (process.getuid?.() === 0) execFileSync('umount', [view]);
    else execFileSync('chmod', ['-R', 'u+w', view]);
    fs.rmSync(view, { recursive: true, force: true });
  });

  it('status, gaps and query work; update refuses in one line naming the lake and the reason; nothing is written', async (ctx) => {
    if (!view) ctx.skip(`cannot make a read-only view of a lake here: ${why}`);
    const ro = view!;
    const before = hashTree(ro);
    const status = await runCli(['--data-root', ro, '--source', 'demo', 'status', '--dataset', 'stocks_daily', '--from', D1, '--to', D2, '--json'], { home });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).datasets[0].complete).toBe(2);
    const gaps = await runCli(['--data-root', ro, '--source', 'demo', 'gaps', '--dataset', 'stocks_daily', '--from', D1, '--to', D2], { home });
    expect(gaps.code, gaps.stderr).toBe(0);
    const query = await runCli(['--data-root', ro, 'query', 'select count(*) > 0 from stocks_daily'], { home });
    expect(query.code, query.stderr).toBe(0);
    const update = await runCli(['--data-root', ro, '--source', 'demo', 'update', '--date', D2], { home });
    expect(update.code).toBe(1);
    expect(update.stderr.trim().split('\n')).toHaveLength(1);
    expect(update.stderr).toContain(`cannot write to the lake ${ro}: `);
    expect(update.stderr).toMatch(/read-only volume|may not write/);
    expect(hashTree(ro)).toEqual(before);
    // The reading commands logged to the user's own log folder instead.
    expect(fs.readdirSync(path.join(home, '.local', 'state', 'quantmini', 'logs')).length).toBeGreaterThan(0);
  }, 120_000);
});
