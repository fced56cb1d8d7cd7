/**
 * Feature-engine benchmark (`npm run bench -- features`, or `node --import tsx bench/features-bench.ts`):
 * Alpha158 over a synthetic Qlib directory of 2,000 instruments x 1,250 trading days (late starts,
 * early ends, missing days, flat stretches, zero-volume days, a few 3-row histories), written with
 * encodeQlibBin. Our engine runs in its own process (worker threads, one per core), three times, timed
 * (wall and CPU) with its peak RSS sampled; Qlib's own engine (qlib_check.py --out none --kernels 2) runs on the same
 * directory in the same run when Qlib is built (see qlib-reference.ts), else its known figure is printed. A
 * second Qlib run with values (pickled frame, converted to a flat binary) checks that every one of
 * our values matches Qlib's: bit-identical count, within rtol 1e-6 / atol 1e-9, NaN pattern.
 *
 * QUANTMINI_FEATURES_BENCH_SMALL=1 uses 200 instruments (for development);
 * QUANTMINI_FEATURES_BENCH_MATCH=0 skips the value comparison.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultThreads, evaluateQlibQuery } from '../core/features/engine/feature-pool.ts';
import { planQlibQuery } from '../core/features/qlib/qlib-directory-query.ts';
import { compileFeatureSet, loadBuiltinManifest } from '../core/features/sets/feature-set-manifest.ts';
import { encodeQlibBin } from '../core/qlib/qlib-bin.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { QLIB_CHECKER, QLIB_TOOLS } from './qlib-reference.ts';

const SELF = fileURLToPath(import.meta.url);
const SMALL = process.env.QUANTMINI_FEATURES_BENCH_SMALL === '1';
const SHAPE = { instruments: SMALL ? 200 : 2000, days: 1250, seed: 20260 };
/** Qlib's figure for this shape on this kind of machine (2 cores), for when Qlib is not built here. */
const QLIB_KNOWN = { seconds: 217, secondsHigh: 258, peakGb: 4.5 };
const MEMORY_BUDGET_BYTES = 2 * 1024 ** 3;

/** Shape and seed of a synthetic Qlib directory. */
export interface SyntheticQlibOptions {
  instruments: number;
  days: number;
  seed: number;
  /** Extra edge-case fields for operator tests: `z` (signed, zeros, ±inf) and vwap missing for some instruments. */
  edgeCases?: boolean;
}

/** A deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weekdays from 2019-01-02, `days` of them. */
function weekdayCalendar(days: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(2019, 0, 2));
  while (out.length < days) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/**
 * Writes a Qlib directory as dump_all would (calendar, all.txt spans = bin ranges, one bin per
 * field per instrument, NaN on missing days). Returns the directory.
 */
export function writeSyntheticQlibDir(dir: string, o: SyntheticQlibOptions): string {
  const rand = rng(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const calendar = weekdayCalendar(o.days);
  fs.mkdirSync(path.join(dir, 'calendars'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'instruments'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'calendars', 'day.txt'), `${calendar.join('\n')}\n`);
  const spans: string[] = [];
  for (let k = 0; k < o.instruments; k++) {
    const sym = `S${String(k).padStart(4, '0')}`;
    const u = rand();
    let start = u < 0.7 ? 0 : Math.floor(rand() * o.days * 0.8);
    let end = rand() < 0.85 ? o.days - 1 : start + Math.floor(rand() * (o.days - start));
    if (k % 97 === 5) end = Math.min(o.days - 1, start + 2); // 3-row histories
    if (k % 211 === 7) end = start; // a single row
    if (end < start) [start, end] = [end, start];
    const n = end - start + 1;
    const cols = { open: new Float32Array(n), high: new Float32Array(n), low: new Float32Array(n), close: new Float32Array(n), volume: new Float32Array(n), vwap: new Float32Array(n), factor: new Float32Array(n), z: new Float32Array(n) };
    let price = 10 + rand() * 190;
    let flat = 0;
    for (let i = 0; i < n; i++) {
      if (flat === 0 && rand() < 0.005) flat = 5 + Math.floor(rand() * 25);
      const missing = rand() < 0.01 && i > 0 && i < n - 1; // dump_all: the first and last rows exist
      if (flat > 0) {
        flat--;
      } else {
        price *= Math.exp(0.02 * normal());
      }
      const c = price;
      const op = flat > 0 ? c : c * Math.exp(0.01 * normal());
      const hi = flat > 0 ? c : Math.max(op, c) * (1 + Math.abs(0.01 * normal()));
      const lo = flat > 0 ? c : Math.min(op, c) * (1 - Math.abs(0.01 * normal()));
      const vol = flat > 0 && rand() < 0.5 ? 0 : rand() < 0.005 ? 0 : Math.round(Math.exp(12 + normal()));
      const row = { open: op, high: hi, low: lo, close: c, volume: vol, vwap: (hi + lo + c) / 3, factor: 1, z: 0 };
      if (o.edgeCases) {
        const r = rand();
        row.z = r < 0.02 ? 0 : r < 0.025 ? (rand() < 0.5 ? Infinity : -Infinity) : r < 0.03 ? -0 : normal();
        if (rand() < 0.01) row.vwap = NaN; // one field missing while the others are present
      }
      for (const [f, col] of Object.entries(cols)) col[i] = missing ? NaN : row[f as keyof typeof row];
    }
    const fdir = path.join(dir, 'features', sym.toLowerCase());
    fs.mkdirSync(fdir, { recursive: true });
    for (const [f, col] of Object.entries(cols)) {
      if (f === 'z' && !o.edgeCases) continue;
      if (f === 'vwap' && o.edgeCases && k % 13 === 3) continue; // no vwap file at all
      fs.writeFileSync(path.join(fdir, `${f}.day.bin`), encodeQlibBin(start, col));
    }
    spans.push(`${sym}\t${calendar[start]}\t${calendar[end]}`);
  }
  fs.writeFileSync(path.join(dir, 'instruments', 'all.txt'), `${spans.join('\n')}\n`);
  return dir;
}

/** The benchmark directory, written once per machine and shape (about 100 MB for 2,000 instruments). */
function benchQlibDir(): string {
  const dir = path.join(os.tmpdir(), 'quantmini-bench-cache', `features-qlib-${SHAPE.instruments}x${SHAPE.days}-${SHAPE.seed}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  writeSyntheticQlibDir(dir, SHAPE);
  fs.writeFileSync(path.join(dir, 'complete'), '');
  return dir;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** One sample of a process tree: summed RSS, and the CPU ticks each live process has used so far. */
function sampleTree(root: number, cpuByPid: Map<number, number>): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
      stats.set(Number(name), fields);
    } catch {
      // the process ended while we looked
    }
  }
  let rss = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const fields = stats.get(pid);
    if (!fields) continue;
    // fields[11], fields[12]: utime, stime (the 14th and 15th fields of stat)
    cpuByPid.set(pid, Number(fields[11]) + Number(fields[12]));
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) rss += Number(m[1]) * 1024;
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return rss;
}

interface Measured {
  wallS: number;
  /** user + system CPU seconds of the process tree, from the samples (the last 100 ms of a process may be missed). */
  cpuS: number;
  peakRss: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs a command, sampling its process tree every 100 ms: peak RSS (summed over the tree) and CPU
 * time (the sum of every process's user + system time as last seen). On a shared machine CPU time
 * is the steadier figure beside wall time; /usr/bin/time would miss workers that are never waited for.
 */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let peakRss = 0;
    const cpuByPid = new Map<number, number>();
    const timer = setInterval(() => {
      if (child.pid) peakRss = Math.max(peakRss, sampleTree(child.pid, cpuByPid));
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const ticks = [...cpuByPid.values()].reduce((a, b) => a + b, 0);
      resolve({ wallS: (performance.now() - t0) / 1000, cpuS: ticks / CLK_TCK, peakRss, stdout, stderr, code });
    });
  });
}

/** Child mode: Alpha158 over the directory, values discarded (as Qlib's --out none); prints JSON. */
async function childCompute(dir: string, label: boolean): Promise<void> {
  const t0 = performance.now();
  const compiled = compileFeatureSet(loadBuiltinManifest('alpha158'), { labels: label });
  const plan = planQlibQuery({ qlibDir: dir, instruments: 'all' });
  let rows = 0;
  let values = 0;
  for await (const r of evaluateQlibQuery(compiled, plan, { threads: defaultThreads() })) {
    rows += r.rows.length;
    values += r.values.length;
  }
  const computeS = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ computeS, rows, values, threads: defaultThreads(), maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

const PKL_TO_BIN = `
import sys, numpy as np, pandas as pd
df = pd.read_pickle(sys.argv[1])
df.to_numpy(np.float32).tofile(sys.argv[2])
inst = df.index.get_level_values(0)
codes, uniques = pd.factorize(inst)
counts = np.bincount(codes)
days = df.index.get_level_values(1).values.astype('datetime64[D]').astype(np.int32)
days.tofile(sys.argv[2] + '.days')
with open(sys.argv[2] + '.index', 'w') as f:
    for u, c in zip(uniques, counts): f.write(f"{u}\\t{c}\\n")
`;

interface MatchStats {
  values: number;
  identical: number;
  withinTolerance: number;
  nanMismatch: number;
  outOfTolerance: number;
  rowMismatch: number;
  examples: string[];
}

/** Compares our Alpha158 + LABEL0 with Qlib's frame (float32 matrix + index written by PKL_TO_BIN). */
async function compareWithQlib(dir: string, bin: string): Promise<MatchStats> {
  const compiled = compileFeatureSet(loadBuiltinManifest('alpha158'), { labels: true });
  const width = compiled.names.length;
  const index = fs.readFileSync(`${bin}.index`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const days = new Int32Array(fs.readFileSync(`${bin}.days`).buffer.slice(0));
  const fd = fs.openSync(bin, 'r');
  const stats: MatchStats = { values: 0, identical: 0, withinTolerance: 0, nanMismatch: 0, outOfTolerance: 0, rowMismatch: 0, examples: [] };
  const plan = planQlibQuery({ qlibDir: dir, instruments: 'all' });
  const epochDay = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
  let qi = 0;
  let rowBase = 0;
  for await (const r of evaluateQlibQuery(compiled, plan, { threads: defaultThreads() })) {
    const [name, countText] = index[qi] ?? ['', '0'];
    const count = Number(countText);
    if (name !== r.instrument || count !== r.rows.length) {
      stats.rowMismatch++;
      if (stats.examples.length < 5) stats.examples.push(`${r.instrument}: ${r.rows.length} rows, Qlib has ${name} with ${count}`);
    } else {
      const buf = Buffer.alloc(count * width * 4);
      fs.readSync(fd, buf, 0, buf.length, rowBase * width * 4);
      const q = new Float32Array(buf.buffer, buf.byteOffset, count * width);
      for (let i = 0; i < count; i++) {
        if (days[rowBase + i] !== epochDay(plan.calendar[r.rows[i]!]!)) stats.rowMismatch++;
        for (let k = 0; k < width; k++) {
          const e = q[i * width + k]!;
          const a = r.values[k * count + i]!;
          stats.values++;
          if (e !== e || a !== a) {
            if (e !== e && a !== a) stats.identical++;
            else {
              stats.nanMismatch++;
              if (stats.examples.length < 5) stats.examples.push(`${r.instrument} ${plan.calendar[r.rows[i]!]} ${compiled.names[k]}: Qlib ${e}, ours ${a}`);
            }
          } else if (e === a) stats.identical++;
          else if (Math.abs(a - e) <= 1e-9 + 1e-6 * Math.abs(e)) stats.withinTolerance++;
          else {
            stats.outOfTolerance++;
            if (stats.examples.length < 5) stats.examples.push(`${r.instrument} ${plan.calendar[r.rows[i]!]} ${compiled.names[k]}: Qlib ${e}, ours ${a}`);
          }
        }
      }
    }
    rowBase += count;
    qi++;
  }
  fs.closeSync(fd);
  if (qi !== index.length) stats.rowMismatch += Math.abs(index.length - qi);
  return stats;
}

const gb = (b: number) => b / 1024 ** 3;

/** Runs the benchmark: ours and Qlib's engine on the same directory, then the value comparison. */
export async function runFeaturesBench(): Promise<BenchRow[]> {
  const dir = benchQlibDir();
  const rows: BenchRow[] = [];
  const node = process.execPath;
  const tsx = import.meta.resolve('tsx');
  // three runs of ours (a few seconds each); the median is the figure, the spread is printed
  const runs: Array<{ m: Measured; computeS: number; rows: number; threads: number }> = [];
  for (let i = 0; i < 3; i++) {
    const m = await measure(node, ['--import', tsx, SELF, '--child', dir]);
    if (m.code !== 0) throw new Error(`our run failed: ${m.stderr.slice(-500)}`);
    runs.push({ m, ...(JSON.parse(m.stdout.trim().split('\n').pop()!) as { computeS: number; rows: number; threads: number }) });
  }
  runs.sort((a, b) => a.computeS - b.computeS);
  const o = runs[1]!;
  const ourPeak = Math.max(...runs.map((r) => r.m.peakRss));
  const qlibBuilt = fs.existsSync(path.join(QLIB_CHECKER, 'qlib-src'));
  const env = { ...process.env, QLIB_CHECKER, PYTHONPATH: `${QLIB_CHECKER}/qlib-src:${QLIB_TOOLS}/stubs`, PYTHONDONTWRITEBYTECODE: '1' };
  const shape = `${SHAPE.instruments} x ${SHAPE.days} days, ${o.rows} rows, ${o.threads} threads; median of 3, min ${runs[0]!.computeS.toFixed(1)} s`;
  let qlibS: number = QLIB_KNOWN.seconds;
  let qlibPeak = QLIB_KNOWN.peakGb * 1024 ** 3;
  let qlibCpu = NaN;
  let qlibName = 'Qlib not built here; known figure 217-258 s, 4.5 GB';
  if (qlibBuilt) {
    const q = await measure('/usr/bin/python3', [`${QLIB_TOOLS}/qlib_check.py`, '--provider-uri', dir, '--out', 'none', '--kernels', '2'], env);
    if (q.code !== 0) throw new Error(`Qlib run failed: ${q.stderr.slice(-500)}`);
    qlibS = Number(/compute_s=([\d.]+)/.exec(q.stderr)?.[1] ?? q.wallS);
    qlibPeak = q.peakRss;
    qlibCpu = q.cpuS;
    qlibName = `Qlib D.features, --kernels 2 (same run; wall ${q.wallS.toFixed(0)} s)`;
  }
  const speedup = qlibS / o.computeS;
  rows.push({ name: `Alpha158 compute (${shape})`, value: o.computeS, unit: 's', peer: { name: qlibName, value: qlibS, unit: 's' }, budget: '>= 20x faster than Qlib (aim 50x)', withinBudget: speedup >= 20 });
  rows.push({ name: 'speed-up over Qlib (compute time)', value: speedup, unit: 'x' });
  if (Number.isFinite(o.m.cpuS)) {
    const cpuPeer = Number.isFinite(qlibCpu) ? { peer: { name: 'Qlib CPU (user+sys, process tree, sampled)', value: qlibCpu, unit: 's' } } : {};
    rows.push({ name: 'CPU time (user+sys, process tree, sampled)', value: o.m.cpuS, unit: 's', ...cpuPeer });
    if (Number.isFinite(qlibCpu)) rows.push({ name: 'speed-up over Qlib (CPU time, steadier on a busy machine)', value: qlibCpu / o.m.cpuS, unit: 'x' });
  }
  rows.push({ name: 'process wall incl. start-up', value: o.m.wallS, unit: 's' });
  rows.push({ name: 'peak memory (process tree RSS, sampled)', value: gb(ourPeak), unit: 'GB', peer: { name: qlibBuilt ? 'Qlib tree RSS' : 'Qlib known', value: gb(qlibPeak), unit: 'GB' }, budget: '< 2 GB', withinBudget: ourPeak < MEMORY_BUDGET_BYTES });
  if (qlibBuilt && process.env.QUANTMINI_FEATURES_BENCH_MATCH !== '0') {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-features-match-'));
    try {
      const pkl = path.join(tmp, 'qlib.pkl');
      const q = await measure('/usr/bin/python3', [`${QLIB_TOOLS}/qlib_check.py`, '--provider-uri', dir, '--out', pkl, '--label', '--kernels', '2'], env);
      if (q.code !== 0) throw new Error(`Qlib run with values failed: ${q.stderr.slice(-500)}`);
      const bin = path.join(tmp, 'qlib.f32');
      const c = await measure('/usr/bin/python3', ['-c', PKL_TO_BIN, pkl, bin], env);
      if (c.code !== 0) throw new Error(`converting Qlib's frame failed: ${c.stderr.slice(-500)}`);
      fs.rmSync(pkl);
      const m = await compareWithQlib(dir, bin);
      const pct = (n: number) => (100 * n) / Math.max(1, m.values);
      rows.push({ name: `values equal to Qlib's, bit for bit (of ${m.values} incl. LABEL0)`, value: pct(m.identical), unit: '%' });
      rows.push({ name: 'values within rtol 1e-6 / atol 1e-9 but not identical', value: m.withinTolerance, unit: 'values' });
      rows.push({ name: 'values outside tolerance / NaN-pattern or row mismatches', value: m.outOfTolerance + m.nanMismatch + m.rowMismatch, unit: 'values', budget: '0', withinBudget: m.outOfTolerance + m.nanMismatch + m.rowMismatch === 0 });
      for (const e of m.examples) console.log(`  mismatch: ${e}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return rows;
}

if (process.argv[2] === '--child') {
  await childCompute(process.argv[3]!, process.argv.includes('--label'));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBenchTable('features', await runFeaturesBench()));
}
