import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { listFiles, makeTempLake } from './lake-fixtures.ts';

// The "Done when" scenario, through the real CLI in a child process, as a new user would.
const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'quantmini.js');
let lake: string;
let home: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
    for (const k of ['QUANTMINI_CONFIG', 'QUANTMINI_PROFILE', 'QUANTMINI_DATA_ROOT', 'MASSIVE_S3_ACCESS_KEY_ID', 'MASSIVE_S3_SECRET_ACCESS_KEY']) delete env[k];
    const child = spawn(process.execPath, [BIN, '--data-root', lake, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  lake = await makeTempLake('qm-cli-lake-');
  home = await makeTempLake('qm-cli-home-');
});
afterAll(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
  await fs.promises.rm(home, { recursive: true, force: true });
});

const BACKFILL = ['backfill', '--dataset', 'stocks_daily,options_daily', '--from', '2024-03-01', '--to', '2024-03-28'];
const days = tradingDays('2024-03-01', '2024-03-28');

describe('quantmini backfill / gaps / status / query in demo mode', () => {
  it('backfills 20 trading days per dataset, says it is in demo mode, and prints a summary', async () => {
    const res = await cli(['--source', 'demo', ...BACKFILL]);
    expect(res.code, res.stderr).toBe(0);
    expect(days).toHaveLength(20);
    expect(res.stderr).toMatch(/Demo mode .*built-in market simulator/);
    expect(res.stdout).toMatch(/^Plan: 2 dataset\(s\), 20 day\(s\), 2024-03-01 \.\. 2024-03-28$/m);
    // Daily files travel 20 dates to a job: one download and one ingest per dataset.
    expect(res.stdout).toMatch(/^\s+2 download, 2 ingest;/m);
    const run = /^Run (\S+) complete in .*: 4 job\(s\) \(4 complete\)/m.exec(res.stdout);
    expect(run, res.stdout).not.toBeNull();
    for (const ds of ['stocks_daily', 'options_daily']) {
      expect(listFiles(lake, `bronze/${ds}`)).toEqual(days.map((d) => `year=2024/month=03/${d}.parquet`));
    }
    // The backfill went through the engine: its run is in the lake's history like an update's.
    const runs = await cli(['--source', 'demo', '--json', 'runs']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(run![1]);
  });

  it('gaps is empty and query answers', async () => {
    for (const ds of ['stocks_daily', 'options_daily']) {
      const gaps = await cli(['--source', 'demo', '--json', 'gaps', '--dataset', ds, '--from', '2024-03-01', '--to', '2024-03-28']);
      expect(gaps.code, gaps.stderr).toBe(0);
      expect(JSON.parse(gaps.stdout)).toEqual({ dataset: ds, layer: 'bronze', gaps: [] });
    }
    const q = await cli(['--source', 'demo', 'query', 'select count(*) as n, count(distinct date) as days from stocks_daily']);
    expect(q.code, q.stderr).toBe(0);
    const lines = q.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\s*n\s+days$/);
    expect(lines[2]).toMatch(/^\s*\d+\s+20$/);
    expect(lines.at(-1)).toMatch(/^1 row in \d+ ms$/);
    const json = await cli(['--source', 'demo', '--json', 'query', 'select count(*) as n from options_daily']);
    const parsed = JSON.parse(json.stdout) as { rows: number[][]; columns: unknown[] };
    expect(parsed.columns).toEqual([{ name: 'n', type: 'BIGINT' }]);
    expect(parsed.rows[0]![0]).toBeGreaterThan(1000);
  });

  it('status --json reports the counts and watermark', async () => {
    const res = await cli(['--source', 'demo', '--json', 'status', '--to', '2024-03-28']);
    expect(res.code, res.stderr).toBe(0);
    const { datasets } = JSON.parse(res.stdout) as { datasets: Array<Record<string, unknown>> };
    expect(datasets.find((d) => d.dataset === 'stocks_daily')).toMatchObject({
      dataset: 'stocks_daily', layer: 'bronze', complete: 20, degraded: 0, missing: 0, pending: 0, failed: 0, notEntitled: 0, watermark: '2024-03-28',
    });
    expect(datasets.find((d) => d.dataset === 'stocks_minute')).toMatchObject({ complete: 0, watermark: null });
  });

  it('a deleted bronze file shows up in gaps and backfill repairs that date alone', async () => {
    const victim = lakePaths(lake).bronzeFile('stocks_daily', '2024-03-12');
    fs.rmSync(victim);
    const gaps = await cli(['--source', 'demo', '--json', 'gaps', '--dataset', 'stocks_daily', '--from', '2024-03-01', '--to', '2024-03-28']);
    expect(JSON.parse(gaps.stdout)).toEqual({ dataset: 'stocks_daily', layer: 'bronze', gaps: [{ date: '2024-03-12', state: 'missing' }] });

    const others = [...days.filter((d) => d !== '2024-03-12').map((d) => lakePaths(lake).bronzeFile('stocks_daily', d)), ...days.map((d) => lakePaths(lake).bronzeFile('options_daily', d))];
    const mtimes = others.map((f) => fs.statSync(f).mtimeMs);
    const landing = lakePaths(lake).landingFile('stocks_daily', '2024-03-12');
    const landingMtime = fs.statSync(landing).mtimeMs;

    const res = await cli(['--source', 'demo', '--json', ...BACKFILL]);
    expect(res.code, res.stderr).toBe(0);
    const { summary } = JSON.parse(res.stdout) as { summary: { jobs: Array<{ kind: string; dataset: string; dates: string[]; state: string }> } };
    // The landing file is checked against its record and upstream (unchanged: skipped), then ingested.
    expect(summary.jobs.map((j) => [j.kind, j.dataset, j.dates, j.state])).toEqual([
      ['download', 'stocks_daily', ['2024-03-12'], 'skipped'],
      ['ingest', 'stocks_daily', ['2024-03-12'], 'complete'],
    ]);
    expect(fs.existsSync(victim)).toBe(true);
    expect(others.map((f) => fs.statSync(f).mtimeMs)).toEqual(mtimes);
    expect(fs.statSync(landing).mtimeMs).toBe(landingMtime);
    const after = await cli(['--source', 'demo', '--json', 'gaps', '--dataset', 'stocks_daily', '--from', '2024-03-01', '--to', '2024-03-28']);
    expect(JSON.parse(after.stdout).gaps).toEqual([]);
  });

  it('rejects bad arguments with one clear line', async () => {
    const res = await cli(['--source', 'demo', 'backfill', '--dataset', 'stocks_weekly', '--from', '2024-03-01', '--to', '2024-03-28']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^quantmini: error: --dataset: unknown dataset "stocks_weekly" \(known: stocks_daily, stocks_minute, options_daily, options_minute, tickers, .*\)$/m);
  });
});
