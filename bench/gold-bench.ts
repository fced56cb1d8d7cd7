/**
 * Gold benchmarks (`npm run bench -- gold`, or `node --import tsx bench/gold-bench.ts`):
 * - `qlib dump` of 2,000 synthetic symbols x 1,250 days (7 fields, gaps, late starts, early ends)
 *   beside Qlib's own `dump_bin.py dump_all --max_workers 2` on the same CSVs in the same run when
 *   the Qlib reference is built (else its known figure), with a byte comparison of the two outputs
 *   (budget: 20x faster than dump_all);
 * - one-day updates of that gold (the first after a full dump, then four steady-state ones) beside a
 *   full rebuild, checked byte for byte against the full rebuild (budget: under 1 s);
 * - beside the dump and the updates, their file-system floors measured in the same run (fs-floor.ts);
 * - (the lake's gold job from silver is bench/lake-gold-bench.ts, which runs its steps through this module);
 * - 1-minute gold for one month of the demo market (60 tickers, the simulator's minute bars): time
 *   and peak memory.
 * Every timed run is its own process, as a job would be.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addDays, etMidnightUtc, tradingDays } from '../core/calendar/index.ts';
import { dumpCsvToGold, updateGoldFromCsv } from '../core/layers/gold/csv-gold-dump.ts';
import { updateGold } from '../core/layers/gold/gold-writer.ts';
import { writeMinuteGold, type MinuteDayInput } from '../core/layers/gold/minute-gold-writer.ts';
import pino from 'pino';
import { DEFAULT_GOLD_MARKETS } from '../core/layers/gold/gold-job-kind.ts';
import { runGoldJob } from '../core/layers/gold/gold-job.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { creationFloor, patchFloor, type FloorTime } from './fs-floor.ts';
import { splitLastDays, SYNTHETIC_FIELDS, syntheticCsvDir } from './gold-synthetic-csv.ts';
import { QLIB_CHECKER } from './qlib-reference.ts';

/** This file, run again as a child process for each timed step. */
const SELF = fileURLToPath(import.meta.url);
/** The synthetic shape of every gold bench. */
export const SHAPE = { symbols: 2000, days: 1250, seed: 7 };
/** Qlib's dump_all --max_workers 2 for this shape on this kind of machine (shared/reference section 6). */
export const KNOWN_QLIB_SECONDS = { quiet: 38, busy: 88 };
/** One-day updates timed after the dump of the days before them (the first is the one right after the dump). */
const UPDATE_DAYS = 5;
const MINUTE = { seed: 42, tickers: 60, from: '2024-03-01', to: '2024-03-28' };

/** Figures of one step run in its own process. */
export interface ChildResult {
  /** Time of the work inside the process (after Node and tsx started). */
  ms: number;
  /** CPU time (user + system, all threads) of that work: what load from other processes moves least. */
  cpuMs: number;
  /** Whole process, start to exit. */
  wallMs: number;
  maxRssBytes: number;
  detail: Record<string, unknown>;
}

/** Runs one step of this module in a fresh process and returns its figures. */
export function child(args: string[]): Promise<ChildResult> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`gold bench step ${args[0]} exited ${code}`));
      resolve({ ...(JSON.parse(out.trim().split('\n').at(-1)!) as Omit<ChildResult, 'wallMs'>), wallMs: performance.now() - t });
    });
  });
}

/** Runs a command and returns its wall time, or null when it fails. */
export function timed(cmd: string, args: string[]): Promise<{ ms: number; ok: boolean; stderr: string }> {
  const t = performance.now();
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    c.on('error', () => resolve({ ms: performance.now() - t, ok: false, stderr }));
    c.on('exit', (code) => resolve({ ms: performance.now() - t, ok: code === 0, stderr }));
  });
}

/** Files that differ between two directory trees (relative paths), following the top symlink. */
export function differingFiles(a: string, b: string): string[] {
  const list = (root: string, rel = ''): string[] =>
    fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((d) => {
      const r = rel ? `${rel}/${d.name}` : d.name;
      return d.isDirectory() ? list(root, r) : [r];
    });
  const left = new Set(list(a));
  const right = new Set(list(b));
  const out = [...left].filter((f) => !right.has(f) || !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
  return [...out, ...[...right].filter((f) => !left.has(f))];
}

const OPTS = { freq: 'day', dateField: 'date' };

async function childMain(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const run = { dump: dumpCsvToGold, update: updateGoldFromCsv }[step as 'dump' | 'update'];
  let detail: Record<string, unknown>;
  if (run) detail = { ...(await run(rest[0]!, rest[1]!, OPTS)) };
  else if (step === 'api') detail = { ...(await apiAppend(rest[0]!, rest[1]!)) };
  else if (step === 'minute') detail = { ...(await minuteMonth(rest[0]!)) };
  else if (step === 'job') detail = { ...(await goldJob(rest[0]!, rest.slice(1))) };
  else throw new Error(`unknown step ${step}`);
  const used = process.cpuUsage(cpu);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const out = { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, maxRssBytes, detail };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/**
 * One day appended through the writer's API, as the lake will do it from silver: every instrument
 * listed on the last day gets that day's values (no CSV to parse).
 */
async function apiAppend(target: string, label: string) {
  return updateGold(target, 'day', (b) => {
    const last = b.calendar.length - 1;
    b.appendCalendar([label]);
    for (const code of b.codes()) {
      const st = b.state(code)!;
      if (st.spans.at(-1)!.end !== last) continue;
      const v = 10 + (code.charCodeAt(1) % 50);
      b.patch(code, last + 1, new Map(st.fields.map((f) => [f, Float32Array.of(f === 'volume' ? 100_000 : v)])));
    }
  });
}

/** The gold-build job as the engine runs it, on a lake whose silver is linked from the synthetic one; with the mode its log names. */
async function goldJob(lakeRoot: string, dates: string[]) {
  let committed: Record<string, unknown> = {};
  const sink = { write: (line: string) => {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (e.msg === 'gold committed') committed = e;
  } };
  const ctx = {
    jobId: 'bench', services: { send: () => undefined, onMessage: () => () => undefined },
    signal: new AbortController().signal, onProgress: () => undefined, logger: pino({ level: 'info' }, sink),
  };
  const spec = {
    kind: 'gold-build', dataset: 'qlib_us', lakeRoot, dates, duckdb: { threads: 2, memoryLimit: '2GB' },
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: DEFAULT_GOLD_MARKETS,
  };
  const r = await runGoldJob(spec, ctx);
  if (r.outcome !== 'complete') throw new Error(`gold job ${r.outcome}: ${'error' in r ? String(r.error) : ''}`);
  return { rows: r.rows, mode: committed.mode, fallback: committed.fallback, writes: committed.writes };
}

/** One month of the demo market's stock minute bars written as 1-minute gold, a day at a time. */
async function minuteMonth(out: string) {
  // Imported here so the timed CSV steps do not load the simulator.
  const { createMarket } = await import('../core/sources/simulator/market/index.ts');
  const market = createMarket({ seed: MINUTE.seed, tickers: MINUTE.tickers, from: MINUTE.from, to: MINUTE.to });
  const fields = ['open', 'high', 'low', 'close', 'volume'];
  function* days(): Generator<MinuteDayInput> {
    for (const date of tradingDays(MINUTE.from, MINUTE.to)) {
      const midnight = etMidnightUtc(date).getTime();
      const bars = [...market.minuteBars('stocks', date)].map((b) => ({
        code: b.ticker.toLowerCase(),
        minute: (Number(b.windowStartNs / 1_000_000n) - midnight) / 60_000,
        values: [b.open, b.high, b.low, b.close, b.volume],
      }));
      yield { date, bars };
    }
  }
  return writeMinuteGold(out, { from: MINUTE.from, to: MINUTE.to, fields, days: days() });
}

const s = (ms: number) => ms / 1000;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A row judged against a budget. */
function judged(name: string, value: number, unit: string, budget: string, ok: boolean, peer?: BenchRow['peer']): BenchRow {
  return { name, value, unit, budget, withinBudget: ok, ...(peer ? { peer } : {}) };
}

/** Qlib's dump_all on the same CSVs (when the reference is built): its time, and how many files differ from ours. */
async function qlibDumpAll(csvDir: string, out: string, ours: string): Promise<{ seconds: number; differing: number } | null> {
  const script = path.join(QLIB_CHECKER, 'qlib_dump.sh');
  if (!fs.existsSync(script)) return null;
  const args = ['dump_all', '--data_path', csvDir, '--qlib_dir', out, '--freq', 'day', '--date_field_name', 'date'];
  const q = await timed(script, [...args, '--file_suffix', '.csv', '--max_workers', '2']);
  if (!q.ok) throw new Error(`Qlib's dump_all failed: ${q.stderr}`);
  const diff = differingFiles(out, ours);
  const verdict = diff.length === 0 ? 'byte-identical (every file)' : `${diff.length} files differ, e.g. ${diff.slice(0, 5).join(', ')}`;
  console.log(`gold: our dump vs Qlib's dump_all on the same CSVs: ${verdict}`);
  return { seconds: s(q.ms), differing: diff.length };
}

/** Runs every gold benchmark and returns its rows. */
export async function runGoldBench(): Promise<BenchRow[]> {
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-gold-bench-'));
  try {
    const { dir, days } = syntheticCsvDir(SHAPE);
    const rows: BenchRow[] = [];
    const shape = `${SHAPE.symbols} symbols x ${SHAPE.days} days`;

    // Full dump, ours and Qlib's on the same CSVs, each its own process.
    const oursDir = path.join(work, 'ours');
    const ours = await child(['dump', dir, oursDir]);
    // The floor right after the dump, meeting the file system in the same state.
    const floorDir = path.join(work, 'floor');
    const binBytes = 4 + 4 * SHAPE.days;
    const created = creationFloor(floorDir, SHAPE.symbols, SYNTHETIC_FIELDS.length, binBytes);
    const qlib = await qlibDumpAll(dir, path.join(work, 'qlib'), oursDir);
    let peer: NonNullable<BenchRow['peer']>;
    if (qlib) {
      peer = { name: 'Qlib dump_all --max_workers 2, this run', value: qlib.seconds, unit: 's' };
      rows.push(judged("files differing from Qlib's dump_all output", qlib.differing, 'files', '0', qlib.differing === 0));
    } else {
      const { quiet, busy } = KNOWN_QLIB_SECONDS;
      console.log(`gold: Qlib not built here; comparing with its known figure, ${quiet} s quiet to ${busy} s busy`);
      peer = { name: `Qlib dump_all --max_workers 2, known figure (${quiet}-${busy} s)`, value: quiet, unit: 's' };
    }
    const whole = s(ours.wallMs);
    rows.push(judged(`qlib dump, ${shape} (whole process)`, whole, 's', '20x faster than dump_all', whole * 20 <= peer.value, peer));
    rows.push(judged('  speed-up over dump_all', peer.value / whole, 'x', '>= 20x', peer.value / whole >= 20));
    rows.push({ name: '  of which the dump itself (after Node and tsx start)', value: s(ours.ms), unit: 's' });
    rows.push({ name: '  CPU time of the dump itself (user + system, all threads)', value: s(ours.cpuMs), unit: 's' });
    rows.push({ name: '  peak memory of qlib dump', value: ours.maxRssBytes / 2 ** 20, unit: 'MiB' });
    rows.push({
      name: `  floor: bare creation of ${SHAPE.symbols} folders and ${SHAPE.symbols * SYNTHETIC_FIELDS.length} bins, this run`, value: s(created.ms), unit: 's',
      peer: { name: 'its CPU time', value: s(created.cpuMs), unit: 's' },
    });

    // One-day updates beside a full rebuild of the same rows: the first after a dump, then steady ones.
    const split = splitLastDays(dir, days, UPDATE_DAYS);
    const live = path.join(work, 'live');
    await child(['dump', split.head, live]);
    const first = await child(['update', split.days[0]!, live]);
    const steady: ChildResult[] = [];
    const patched: FloorTime[] = [];
    for (const d of split.days.slice(1)) {
      const r = await child(['update', d, live]);
      steady.push(r);
      patched.push(patchFloor(floorDir, SHAPE.symbols, SYNTHETIC_FIELDS.length, binBytes, Number(r.detail.filesPatched ?? 0), patched.length));
    }
    const same = differingFiles(oursDir, live).length === 0;
    const verdict = same ? 'is byte-identical to' : 'DIFFERS from';
    console.log(`gold: a dump of all but the last ${UPDATE_DAYS} days + ${UPDATE_DAYS} one-day updates ${verdict} the full dump`);
    const full = { name: 'full rebuild (in process)', value: s(ours.ms), unit: 's' };
    const ms = steady.map((r) => r.ms);
    const n = `${steady.length} days`;
    rows.push(
      judged(`one-day update, steady state (recycled standby), median of ${n}`, s(median(ms)), 's', '< 1 s', median(ms) < 1000, full),
    );
    rows.push({ name: '  fastest of them (least disturbed by other load)', value: s(Math.min(...ms)), unit: 's' });
    rows.push({
      name: `  floor: bare open/append/close of the same ${Number(steady[0]!.detail.filesPatched ?? 0)} bins, median, this run`,
      value: s(median(patched.map((p) => p.ms))), unit: 's',
    });
    rows.push({ name: '  CPU time (user + system), median', value: s(median(steady.map((r) => r.cpuMs))), unit: 's' });
    rows.push({ name: '  whole process (Node + tsx start included), median', value: s(median(steady.map((r) => r.wallMs))), unit: 's' });
    rows.push({ name: 'one-day update, first after a full dump (hard links + new files)', value: s(first.ms), unit: 's', peer: full });
    rows.push(judged('  the updates equal the full rebuild byte for byte', same ? 1 : 0, same ? '(yes)' : '(NO)', 'yes', same));
    // The lake's path: days appended through the writer's API, no CSV parsing.
    const api: ChildResult[] = [];
    let label = days.at(-1)!;
    for (let k = 0; k < 3; k++) {
      label = addDays(label, k === 0 ? 3 : 1);
      api.push(await child(['api', live, label]));
    }
    const apiMs = api.map((r) => r.ms);
    rows.push(
      judged(
        `one-day update through the writer API (the lake's path), median of ${api.length}`,
        s(median(apiMs)),
        's',
        '< 1 s',
        median(apiMs) < 1000,
        full,
      ),
    );
    rows.push({ name: '  CPU time (user + system), median', value: s(median(api.map((r) => r.cpuMs))), unit: 's' });

    // 1-minute gold for one month of the demo market.
    const minute = await child(['minute', path.join(work, 'minute')]);
    const m = minute.detail as { bars: number; calendarLength: number; instruments: number };
    const what = `${m.calendarLength} minutes, ${m.instruments} instruments, ${m.bars} bars`;
    const name = `1-minute gold, ${MINUTE.tickers} demo tickers, ${MINUTE.from}..${MINUTE.to} (${what})`;
    rows.push({ name, value: s(minute.ms), unit: 's' });
    rows.push({ name: '  peak memory of that process', value: minute.maxRssBytes / 2 ** 20, unit: 'MiB' });
    // Other work on the machine slows both sides of each comparison; this says how much there was.
    rows.push({ name: 'load average over the last minute', value: os.loadavg()[0]!, unit: `on ${os.availableParallelism()} cores` });
    return rows;
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) await childMain(process.argv.slice(at + 1));
  else {
    const started = performance.now();
    const rows = await runGoldBench();
    console.log(formatBenchTable(`gold (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
  }
}
