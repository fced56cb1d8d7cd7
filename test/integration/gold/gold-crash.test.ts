import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { readQlibCalendar, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { featureDirName } from '../../../core/qlib/qlib-symbols.ts';
import { readTree, treeDiff } from '../../unit/gold/qlib-dir-compare.ts';

const bin = path.resolve('bin/quantmini.js');
const DAYS = tradingDays('2023-06-01', '2023-12-29');
const SYMBOLS = 80;
let root: string;

const cliArgs = (csv: string, out: string, update: boolean) =>
  [bin, 'qlib', 'dump', ...(update ? ['--update'] : []), '--csv-dir', csv, '--qlib-dir', out];
const env = () => ({ PATH: process.env.PATH, HOME: root, XDG_CONFIG_HOME: path.join(root, 'xdg') });
function run(csv: string, out: string, update: boolean): void {
  const r = spawnSync(process.execPath, cliArgs(csv, out, update), { encoding: 'utf8', env: env(), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`qlib dump failed: ${r.stderr}`);
}

/** Per-symbol CSVs: late starts, early ends and missing days; `part` picks the rows by day index. */
function writeCsvs(dir: string, part: (day: number) => boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let s = 0; s < SYMBOLS; s++) {
    const start = s % 5 === 0 ? (s * 7) % 150 : 0;
    const end = s % 11 === 0 ? DAYS.length - 1 - ((s * 3) % 100) : DAYS.length - 1;
    let text = 'date,open,high,low,close,volume,vwap,factor\n';
    let rows = 0;
    for (let d = start; d <= end; d++) {
      if ((d * 31 + s * 17) % 97 === 0 && d !== start && d !== end) continue;
      if (!part(d)) continue;
      const p = 10 + s + Math.sin(d / 9 + s) * 3;
      const prices = [p, p + 0.5, p - 0.5, p + 0.1].map((x) => x.toFixed(6)).join(',');
      text += `${DAYS[d]},${prices},${1000 + ((d * s) % 977)},${p.toFixed(6)},1\n`;
      rows++;
    }
    if (rows) fs.writeFileSync(path.join(dir, `S${String(s).padStart(3, '0')}.csv`), text);
  }
}

/** What a reader that checks spans against bin lengths sees; throws when they disagree. */
function consistentTree(qlibDir: string): Map<string, Buffer> {
  const cal = readQlibCalendar(qlibDir);
  const index = new Map(cal.map((l, i) => [l, i]));
  for (const s of readQlibInstruments(qlibDir)) {
    const start = index.get(s.start)!;
    const end = index.get(s.end)!;
    const folder = path.join(qlibDir, 'features', featureDirName(s.instrument));
    for (const f of fs.readdirSync(folder)) {
      const b = fs.readFileSync(path.join(folder, f));
      if (b.readFloatLE(0) !== start || b.length / 4 - 1 !== end - start + 1) throw new Error(
        `${s.instrument}/${f} does not match its span`,
      );
    }
  }
  return readTree(qlibDir);
}

/** Runs an update in a child; with `killAfter` kills it that many ms after its build directory appears. Returns the build window. */
async function update(csv: string, qlib: string, killAfter: number | null): Promise<number> {
  const store = path.join(path.dirname(qlib), `.${path.basename(qlib)}.gold`);
  const child = spawn(process.execPath, cliArgs(csv, qlib, true), { env: env(), stdio: 'ignore' });
  let finished = false;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => (finished = true));
  while (!finished && !fs.readdirSync(store).some((f) => f.endsWith('.partial'))) await new Promise((r) => setTimeout(r, 1));
  const opened = performance.now();
  if (killAfter !== null) {
    await new Promise((r) => setTimeout(r, killAfter));
    child.kill('SIGKILL');
  }
  await exited;
  return performance.now() - opened;
}

const same = (a: Map<string, Buffer>, b: Map<string, Buffer>) => a.size === b.size && [...a].every(([k, v]) => b.get(k)?.equals(v));

/** A seeded generator for the kill moments. */
function rng(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-gold-crash-'));
  const last = DAYS.length - 1;
  writeCsvs(path.join(root, 'head'), (d) => d < last - 1);
  writeCsvs(path.join(root, 'day1'), (d) => d === last - 1);
  writeCsvs(path.join(root, 'day2'), (d) => d === last);
  writeCsvs(path.join(root, 'all'), () => true);
  run(path.join(root, 'all'), path.join(root, 'full', 'qlib'), false);
  // Two starting points: right after a full dump (the update starts empty) and after one update (it recycles the standby).
  run(path.join(root, 'head'), path.join(root, 'first', 'qlib'), false);
  fs.cpSync(path.join(root, 'first'), path.join(root, 'steady'), { recursive: true, verbatimSymlinks: true });
  run(path.join(root, 'day1'), path.join(root, 'steady', 'qlib'), true);
}, 300_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('kill -9 during a gold update', () => {
  it('leaves the old or the new state, and a rerun completes to what a full rebuild writes', async () => {
    const random = rng(42);
    // The state one update later and how long its build takes, per starting point (uninterrupted, in a copy).
    const refs = new Map<string, { tree: Map<string, Buffer>; window: number }>();
    for (const base of ['steady', 'first']) {
      const ref = path.join(root, `ref-${base}`);
      fs.cpSync(path.join(root, base), ref, { recursive: true, verbatimSymlinks: true });
      const window = await update(path.join(root, base === 'steady' ? 'day2' : 'day1'), path.join(ref, 'qlib'), null);
      refs.set(base, { tree: readTree(path.join(ref, 'qlib')), window });
    }
    const cases: Array<{ base: string; tail: string[] }> = [
      ...Array.from({ length: 2 }, () => ({ base: 'steady', tail: ['day2'] })),
      ...Array.from({ length: 1 }, () => ({ base: 'first', tail: ['day1', 'day2'] })),
    ];
    const seen: string[] = [];
    for (const [n, c] of cases.entries()) {
      const work = path.join(root, `run-${n}`);
      fs.cpSync(path.join(root, c.base), work, { recursive: true, verbatimSymlinks: true });
      const qlib = path.join(work, 'qlib');
      const oldTree = consistentTree(qlib);
      const ref = refs.get(c.base)!;
      // A moment inside the build (from the build directory's appearance to the end of an uninterrupted run).
      const delay = random() * ref.window * 0.8;
      await update(path.join(root, c.tail[0]!), qlib, delay);
      const after = consistentTree(qlib);
      const state = same(after, oldTree) ? 'old' : same(after, ref.tree) ? 'new' : 'mixed';
      const leftover = fs.readdirSync(path.join(work, '.qlib.gold')).some((f) => f.endsWith('.partial'));
      seen.push(
        `${c.base} killed ${Math.round(delay)} of ${Math.round(ref.window)} ms into the build: ${state}` +
          (leftover ? ' (half-built generation left)' : ''),
      );
      expect(state, seen.at(-1)).not.toBe('mixed');
      // Rerun (and finish the remaining days); the result is the full rebuild, byte for byte.
      for (const t of c.tail) run(path.join(root, t), qlib, true);
      expect(treeDiff(path.join(root, 'full', 'qlib'), qlib), seen.at(-1)).toEqual([]);
      fs.rmSync(work, { recursive: true, force: true });
    }
    console.log(`kill -9 outcomes: ${seen.join('; ')}`);
  }, 600_000);
});
