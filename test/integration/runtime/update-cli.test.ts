import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { computeCoverage } from '../../../core/lake/coverage.ts';
import type { RunRecord } from '../../../core/runtime/run-history.ts';
import type { RunSummary } from '../../../core/runtime/supervisor-events.ts';

// The issue's "done when" scenarios, through the real CLI in child processes against the demo
// simulator (a 20-ticker universe, so a five-day update takes seconds, not minutes).
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'quantmini.js');
const DATASETS = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'];

let work: string;
let config: string;

beforeAll(async () => {
  work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-update-cli-'));
  config = path.join(work, 'config.yaml');
  // The four flat-file datasets, as these scenarios are about; REST datasets have their own tests.
  await fs.promises.writeFile(config, 'demo:\n  tickers: 20\nlogging:\n  level: info\ndatasets:\n  enabled: [stocks_daily, stocks_minute, options_daily, options_minute]\n');
});
afterAll(async () => {
  await fs.promises.rm(work, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function start(lake: string, args: string[]): { child: ChildProcess; done: Promise<CliRun>; output: () => string } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, '--config', config, '--data-root', lake, '--source', 'demo', ...args], {
    cwd: REPO,
    env: { ...process.env, QUANTMINI_CONFIG: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
  return { child, done, output: () => `stdout:\n${stdout}\nstderr:\n${stderr}` };
}

const cli = (lake: string, args: string[]) => start(lake, args).done;

function journalEntries(lake: string): Array<Record<string, unknown>> {
  const dir = path.join(lake, 'metadata', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .flatMap((n) =>
      fs
        .readFileSync(path.join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    );
}

// Generous: these tests share a 2-core machine with other suites, and a worker may take seconds to boot.
async function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 180_000, context?: () => string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every file under `dir` with its size and mtime, for "nothing changed" comparisons. */
function listing(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => {
      const p = path.join(d.parentPath, d.name);
      const st = fs.statSync(p);
      return `${path.relative(dir, p)} ${d.isFile() ? `${st.size} ${st.mtimeMs}` : 'dir'}`;
    })
    .sort();
}

function partialFiles(lake: string): string[] {
  return listing(lake).filter((l) => /\.partial|\.tmp\//.test(l) && !l.startsWith('.tmp '));
}

async function expectCompleteLake(lake: string, dates: string[]): Promise<void> {
  for (const layer of ['landing', 'bronze'] as const) {
    const cov = await computeCoverage({ lakeRoot: lake, datasets: DATASETS, layer, from: dates[0]!, to: dates[dates.length - 1]! });
    for (const c of cov) {
      const states = c.cells.filter((x) => dates.includes(x.date)).map((x) => x.state);
      expect({ dataset: c.dataset, layer, states }).toEqual({ dataset: c.dataset, layer, states: dates.map(() => 'complete') });
    }
  }
}

/** Duplicate (ticker, window_start) pairs over all bronze files of a dataset, and its row count. */
async function bronzeDuplicates(lake: string, dataset: string): Promise<{ rows: number; duplicates: number }> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await db.connect();
  try {
    const glob = path.join(lake, 'bronze', dataset, '**', '*.parquet').replace(/'/g, "''");
    const r = await conn.runAndReadAll(`SELECT count(*) AS n, count(*) - count(DISTINCT (ticker, window_start)) AS d FROM read_parquet('${glob}')`);
    const [n, d] = r.getRows()[0]!;
    return { rows: Number(n), duplicates: Number(d) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('quantmini update (demo source, real CLI)', () => {
  const lake = () => path.join(work, 'lake-main');
  let dates: string[] = [];

  it('fills every enabled dataset for five trading days', async () => {
    const r = await cli(lake(), ['--json', 'update', '--days-back', '5']);
    expect(r.stderr).toContain('Demo mode');
    expect(r.code).toBe(0);
    const { summary } = JSON.parse(r.stdout) as { summary: RunSummary };
    expect(summary.state).toBe('complete');
    // Five days of a dataset travel in one download and one ingest job (see core/jobs/date-groups.ts).
    expect(summary.jobs).toHaveLength(DATASETS.length * 2);
    expect(summary.jobs.every((j) => j.state === 'complete')).toBe(true);
    expect(summary.bytesDownloaded).toBeGreaterThan(0);
    dates = [...new Set(summary.jobs.flatMap((j) => j.dates))].sort();
    expect(dates).toHaveLength(5);
    await expectCompleteLake(lake(), dates);
    expect(fs.existsSync(path.join(lake(), '.lock'))).toBe(false);
    console.log(`first update: ${r.ms} ms for ${summary.jobs.length} jobs, ${summary.bytesDownloaded} bytes`);
  }, 600_000);

  it('a second run downloads nothing and plans no job', async () => {
    const r = await cli(lake(), ['--json', 'update', '--days-back', '5']);
    expect(r.code).toBe(0);
    const { summary } = JSON.parse(r.stdout) as { summary: RunSummary };
    expect(summary).toMatchObject({ state: 'complete', bytesDownloaded: 0, jobs: [] });
    console.log(`second update: ${r.ms} ms`);
  }, 60_000);

  it('--dry-run prints the plan and changes nothing', async () => {
    // Remove one day's bronze so the plan has something to show.
    const bronze = path.join(lake(), 'bronze', 'stocks_daily', `year=${dates[4]!.slice(0, 4)}`, `month=${dates[4]!.slice(5, 7)}`, `${dates[4]}.parquet`);
    fs.rmSync(bronze);
    const before = listing(lake());
    const r = await cli(lake(), ['update', '--days-back', '5', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Plan (dry run, nothing is written)');
    expect(r.stdout).toMatch(new RegExp(`ingest:stocks_daily:${dates[4]} .*bronze is missing`));
    // The landing input is checked against its record and upstream first (and skipped when intact).
    expect(r.stdout).toMatch(/ 1 download, 1 ingest; about [\d.]+ \S+ to fetch; 38 partition\(s\) already up to date/);
    expect(listing(lake())).toEqual(before);
    const json = await cli(lake(), ['--json', 'update', '--days-back', '5', '--dry-run']);
    const parsed = JSON.parse(json.stdout) as { dryRun: boolean; plan: { jobs: Array<{ id: string }> } };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.plan.jobs.map((j) => j.id)).toEqual([`download:stocks_daily:${dates[4]}`, `ingest:stocks_daily:${dates[4]}`]);
    expect(listing(lake())).toEqual(before);
    // A dry run on a lake that does not exist does not create it.
    const fresh = path.join(work, 'never-created');
    const r2 = await cli(fresh, ['update', '--days-back', '2', '--dry-run']);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/ 4 download, 4 ingest; about \d/);
    expect(fs.existsSync(fresh)).toBe(false);
    // And the repair run rebuilds exactly that partition.
    const fix = await cli(lake(), ['--json', 'update', '--days-back', '5']);
    const { summary } = JSON.parse(fix.stdout) as { summary: RunSummary };
    expect(summary.jobs.map((j) => [j.id, j.state])).toEqual([
      [`download:stocks_daily:${dates[4]}`, 'skipped'],
      [`ingest:stocks_daily:${dates[4]}`, 'complete'],
    ]);
  }, 120_000);

  it('lists runs with per-job outcome and duration', async () => {
    const r = await cli(lake(), ['--json', 'runs', '--limit', '3']);
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as RunRecord[];
    expect(runs.map((x) => x.state)).toEqual(['complete', 'complete', 'complete']);
    expect(runs[2]!.jobs).toHaveLength(DATASETS.length * 2);
    expect(runs[2]!.jobs.every((j) => j.state === 'complete' && typeof j.durationMs === 'number')).toBe(true);
    const text = await cli(lake(), ['runs', 'show', runs[0]!.runId]);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain(`ingest:stocks_daily:${dates[4]}: complete, attempts 1`);
    const sys = await cli(lake(), ['--json', 'system']);
    expect(JSON.parse(sys.stdout)).toMatchObject({ memory: { level: expect.stringMatching(/normal|warning|critical/) }, mode: expect.any(String) });
  }, 60_000);
});

describe('quantmini update under failure', () => {
  it('a SIGKILLed job is recorded as killed, retried, and the run completes; a second updater is refused', async () => {
    const lake = path.join(work, 'lake-kill-job');
    const { child, done, output } = start(lake, ['update', '--days-back', '2']);
    // Kill the first ingest process shortly after it starts.
    const started = await waitFor(
      'an ingest job to start',
      () => journalEntries(lake).find((e) => e.type === 'job.started' && String(e.jobId).startsWith('ingest:') && typeof e.pid === 'number'),
      180_000,
      output,
    );
    await new Promise((r) => setTimeout(r, 150));
    process.kill(started.pid as number, 'SIGKILL');

    // Meanwhile a second updater on the same lake is refused, naming the holder.
    const second = await cli(lake, ['update', '--days-back', '2']);
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`lake ${lake} is being updated by pid ${child.pid}`);
    expect(second.stderr).toContain('wait for it or stop it');

    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`✗ ${started.jobId} was killed \\(SIGKILL\\), will retry`));
    expect(r.stdout).toMatch(/Run \S+ complete/);
    const entries = journalEntries(lake);
    expect(entries.find((e) => e.type === 'job.crashed' && e.jobId === started.jobId)).toMatchObject({ crash: { reason: 'killed', signal: 'SIGKILL', attempt: 1 } });
    expect(entries.find((e) => e.type === 'job.finished' && e.jobId === started.jobId)).toMatchObject({ state: 'complete', attempts: 2 });
    expect(entries.find((e) => e.type === 'run.finished')).toMatchObject({ state: 'complete' });
    const dates = [...new Set(entries.filter((e) => e.type === 'job.finished').flatMap((e) => jobDates(String(e.jobId))))].sort();
    await expectCompleteLake(lake, dates);
  }, 600_000);

  it('killing the whole update mid-run and rerunning leaves no partial files and no duplicate rows', async () => {
    const lake = path.join(work, 'lake-kill-all');
    const { child, done, output } = start(lake, ['update', '--days-back', '3']);
    // Let some partitions complete and others be in flight, then kill the CLI outright.
    await waitFor('a few jobs to finish', () => journalEntries(lake).filter((e) => e.type === 'job.finished').length >= 5, 180_000, output);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(lake, '.lock'))).toBe(true);
    // Orphaned job processes notice their parent is gone and exit.
    const pids = journalEntries(lake).filter((e) => e.type === 'job.started').map((e) => e.pid as number);
    await waitFor('orphaned jobs to exit', () => pids.every((p) => !alive(p)), 10_000);

    const r = await cli(lake, ['--json', 'update', '--days-back', '3']);
    expect(r.code).toBe(0);
    const { summary } = JSON.parse(r.stdout) as { summary: RunSummary };
    expect(summary.state).toBe('complete');
    expect(summary.jobs.length).toBeGreaterThan(0);
    expect(summary.jobs.length).toBeLessThan(DATASETS.length * 2);
    const dates = [...new Set(journalEntries(lake).filter((e) => e.type === 'job.started').flatMap((e) => jobDates(String(e.jobId))))].sort();
    await expectCompleteLake(lake, dates);
    expect(partialFiles(lake)).toEqual([]);
    expect(fs.readdirSync(path.join(lake, '.tmp'))).toEqual([]);
    for (const ds of ['stocks_minute', 'options_minute']) {
      const { rows, duplicates } = await bronzeDuplicates(lake, ds);
      expect(rows).toBeGreaterThan(0);
      expect(duplicates).toBe(0);
    }
    const runs = JSON.parse((await cli(lake, ['--json', 'runs'])).stdout) as RunRecord[];
    expect(runs.map((x) => x.state)).toEqual(['complete', 'interrupted']);
  }, 600_000);
});

describe('quantmini update exit status', () => {
  it('exits non-zero when a job fails, and --json still prints exactly one JSON document', async () => {
    const lake = path.join(work, 'lake-fail');
    const plan = JSON.parse((await cli(lake, ['--json', 'update', '--datasets', 'stocks_daily', '--dry-run'])).stdout) as { plan: { items: Array<{ date: string }> } };
    const date = plan.plan.items[0]!.date;
    // A directory where the landing file must go: the rename into place fails on every attempt.
    fs.mkdirSync(path.join(lake, 'landing', 'polygon-s3', 'stocks_daily', date.slice(0, 4), date.slice(5, 7), `${date}.csv.gz`), { recursive: true });
    const r = await cli(lake, ['--json', 'update', '--datasets', 'stocks_daily']);
    expect(r.code).toBe(1);
    const { summary } = JSON.parse(r.stdout) as { summary: RunSummary };
    expect(summary.state).toBe('failed');
    expect(summary.jobs.map((j) => [j.kind, j.state])).toEqual([['download', 'failed'], ['ingest', 'skipped']]);
    expect(summary.jobs[0]!.attempts).toBe(3);
    const human = await cli(lake, ['update', '--datasets', 'stocks_daily']);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/quantmini: error: 1 job\(s\) failed in run \S+/);
    expect(human.stdout).toMatch(/download stocks_daily\s+\S+\s+failed/);
  }, 120_000);
});

/** The dates a job id covers ("kind:dataset:first[..last]"). */
function jobDates(jobId: string): string[] {
  const [first, last] = jobId.split(':').at(-1)!.split('..');
  return last ? tradingDays(first!, last) : [first!];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
