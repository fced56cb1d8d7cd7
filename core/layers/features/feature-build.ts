/**
 * Builds days of a feature set from the lake's gold: for each day D, the values Qlib's engine gives
 * on the lake's gold for D (instruments of all.txt, rows inside their spans), one Parquet partition
 * per day (instrument, date, one FLOAT column per feature; NaN stored as NULL).
 *
 * What a day reads: a value on D depends on the instrument's history, and pandas' running sums carry
 * float64 state from where the loaded series starts. When every node of the set's plan either reads
 * a bounded window or carries its running state (engine/plan-carry.ts), the days are evaluated in
 * passes that hand each instrument's states on to the next pass, and the build leaves them in the
 * version's carry file: a later build starting the day after reads only the plan's depth of history
 * before its first day (about 61 rows for Alpha158) and gives the whole-history values bit for bit.
 * Otherwise (expanding order statistics, EMA(x, 0), Ref(x, 0), lookahead) a day is evaluated over the
 * instrument's whole history up to D, and Skew and Kurt (the mean of the whole loaded series) day by
 * day with D as the series' end. Either way the value of D does not depend on which other days a
 * build covers: a day-by-day build equals a range build. Labels look into the future and are not
 * part of lake partitions (use `quantmini qlib features --label`).
 */
import { openDuckDb } from '../../duckdb/duckdb-instance.ts';
import { evaluateCarriedJobs, evaluateQlibQuery } from '../../features/engine/feature-pool.ts';
import { planCarryShape } from '../../features/engine/plan-carry.ts';
import type { InstrumentCarry } from '../../features/qlib/qlib-carried-query.ts';
import { checkpointFile, readFeatureCarry, writeFeatureCarry, type FeatureCarry } from './feature-carry-store.ts';
import type { CompiledFeatureSet } from '../../features/engine/feature-set-compiler.ts';
import { planQlibQuery } from '../../features/qlib/qlib-directory-query.ts';
import { compileFeatureSet, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { addToDays, newDayRows, startWrite, type DayRows, type DayWriteTarget, type FeatureDay, type PendingWrite } from './feature-day-writer.ts';

export type { FeatureDay } from './feature-day-writer.ts';

/** What a feature build is told. */
export interface FeatureBuildOptions {
  lakeRoot: string;
  manifest: FeatureSetManifest;
  /** The Qlib directory the values come from (the lake's gold). */
  qlibDir: string;
  /** Days to build, each a day of the gold calendar. */
  dates: readonly string[];
  /** Where each day's partition goes. */
  fileOf: (date: string) => string;
  threads?: number;
  /** The version's carry file (read to resume, written after the build); absent: none kept. */
  carryFile?: string;
  /** A digest of gold up to a day (null: unknown); a carry made over other gold is not used. */
  goldDigest?: (date: string) => string | null;
  /**
   * Where the carried build leaves checkpoints: the states after every calendar row whose index is
   * a multiple of `checkpointEvery` minus one (checkpointFile(dir, date)), so `features verify` can
   * rebuild a day from the checkpoint before it instead of the whole history. Absent: none kept.
   */
  checkpointDir?: string;
  /** Calendar rows between checkpoints (default CHECKPOINT_EVERY). */
  checkpointEvery?: number;
  /**
   * A carry (e.g. a checkpoint) to resume from, read only: the build evaluates from the day after
   * its last day (which must precede the first day asked for) and writes only the days asked for.
   */
  resumeFrom?: string;
  /** Rows of evaluation a pass needs per worker thread it starts (default ROWS_PER_THREAD; tests force threads with 1). */
  rowsPerThread?: number;
}

/** What a build read, for reports and benches. */
export interface FeatureBuildReport {
  days: FeatureDay[];
  /** How the days were evaluated: carried states (incremental) or the whole history per pass. */
  mode: 'carried' | 'whole-history' | 'per-day';
  /** Instrument evaluations resumed from carried states, and those read from their first row. */
  resumed: number;
  fromStart: number;
  /** Rows of history read before the first day, at most (carried mode: the plan's depth). */
  depth: number;
}

/** Most days evaluated in one pass (each pass holds its days' values in memory). */
const DAYS_PER_PASS = 64;

/** Bytes of gathered values a pass may hold (float32 per instrument, feature and day): fewer days per pass for a wide universe. */
const PASS_BYTES = 64 * 1024 ** 2;

/** Days a pass over `instruments` of `width` features may hold within PASS_BYTES (at least one). */
function daysPerPass(instruments: number, width: number): number {
  return Math.max(1, Math.min(DAYS_PER_PASS, Math.floor(PASS_BYTES / (4 * Math.max(1, instruments * width)))));
}

/** Calendar rows between checkpoints: about every half year, so a verified day re-evaluates at most that many rows. */
export const CHECKPOINT_EVERY = 128;

/** How a compiled set must be evaluated to give every day its canonical value. */
export function evaluationShape(compiled: CompiledFeatureSet): { bounded: boolean; perDay: boolean } {
  const bounded = compiled.windows.every((w) => w.boundedExact && Number.isFinite(w.lookback));
  const perDay = compiled.expressions.some((e) => /\b(Skew|Kurt)\(/.test(e.key));
  return { bounded, perDay };
}

/** Builds the given days of a feature set; partitions appear only complete (temp file, rename). */
export async function buildFeatureDays(opts: FeatureBuildOptions): Promise<FeatureDay[]> {
  return (await buildFeatureDaysReport(opts)).days;
}

/** buildFeatureDays, also saying how the days were evaluated. */
export async function buildFeatureDaysReport(opts: FeatureBuildOptions): Promise<FeatureBuildReport> {
  const compiled = compileFeatureSet(opts.manifest, { labels: false });
  const carryShape = planCarryShape(compiled.plan);
  if (carryShape.resumable) return buildCarried(opts, compiled);
  const calendar = readQlibCalendar(opts.qlibDir);
  const index = new Map(calendar.map((d, i) => [d, i]));
  const wanted = [...new Set(opts.dates)].sort();
  for (const d of wanted) {
    if (!index.has(d)) throw new Error(`${opts.manifest.name}@${opts.manifest.version}: ${d} is not a day of the gold calendar (${opts.qlibDir})`);
  }
  const shape = evaluationShape(compiled);
  const width = compiled.names.length;
  const out: FeatureDay[] = [];
  const target: DayWriteTarget = { lakeRoot: opts.lakeRoot, fileOf: opts.fileOf, calendar, names: compiled.names };
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  let pending: PendingWrite | null = null;
  try {
    const universe = wanted.length ? planQlibQuery({ qlibDir: opts.qlibDir, instruments: 'all', start: wanted[0]!, end: wanted.at(-1)! }).jobs.length : 0;
    const size = shape.perDay ? 1 : daysPerPass(universe, width);
    for (let k = 0; k < wanted.length; k += size) {
      const chunk = wanted.slice(k, k + size);
      const first = index.get(chunk[0]!)!;
      const loadStart = shape.bounded ? calendar[Math.max(0, first - compiled.lookback)]! : calendar[0]!;
      const plan = planQlibQuery({ qlibDir: opts.qlibDir, instruments: 'all', start: loadStart, end: chunk.at(-1)! });
      const days = new Map(chunk.map((d): [number, DayRows] => [index.get(d)!, newDayRows(width, plan.jobs.length)]));
      for await (const r of evaluateQlibQuery(compiled, plan, { threads: opts.threads ?? 1 })) {
        addToDays(days, r, width);
      }
      if (pending) out.push(...(await pending.done));
      pending = await startWrite(db, target, days);
    }
    if (pending) out.push(...(await pending.done));
    pending = null;
  } finally {
    await pending?.done.catch(() => {}); // a failed pass: let the write in flight settle before DuckDB closes
    db.close();
  }
  return { days: out, mode: shape.perDay ? 'per-day' : 'whole-history', resumed: 0, fromStart: 0, depth: shape.bounded ? compiled.lookback : Infinity };
}

/**
 * The carried build: the calendar range from the first to the last day asked for, in passes of
 * DAYS_PER_PASS days, each instrument resumed from its states after the day before the pass (from
 * the previous pass, or the carry file for the first). Only the days asked for are written.
 */
async function buildCarried(opts: FeatureBuildOptions, compiled: CompiledFeatureSet): Promise<FeatureBuildReport> {
  const calendar = readQlibCalendar(opts.qlibDir);
  const index = new Map(calendar.map((d, i) => [d, i]));
  const wanted = [...new Set(opts.dates)].sort();
  for (const d of wanted) {
    if (!index.has(d)) throw new Error(`${opts.manifest.name}@${opts.manifest.version}: ${d} is not a day of the gold calendar (${opts.qlibDir})`);
  }
  const report: FeatureBuildReport = { days: [], mode: 'carried', resumed: 0, fromStart: 0, depth: planCarryShape(compiled.plan).maxDepth };
  if (wanted.length === 0) return report;
  const want = new Set(wanted.map((d) => index.get(d)!));
  let firstIndex = index.get(wanted[0]!)!;
  const lastIndex = index.get(wanted.at(-1)!)!;
  const carried = compiled.plan.nodes.map((_, i) => i).filter((i) => planCarryShape(compiled.plan).carried[i]);
  let carries = new Map<string, InstrumentCarry>();
  const usable = (c: FeatureCarry | null, before: number): c is FeatureCarry => c !== null && c.contentHash === opts.manifest.contentHash
    && c.nodes === compiled.plan.nodes.length && c.lastIndex < before && calendar[c.lastIndex] === c.lastDate
    && c.goldDigest === (opts.goldDigest?.(c.lastDate) ?? null);
  const readCarry = (file: string): FeatureCarry | null => {
    try {
      return readFeatureCarry(file);
    } catch {
      return null; // an unreadable carry only costs a build from the first row; the next build rewrites it
    }
  };
  const stored = opts.carryFile ? readCarry(opts.carryFile) : null;
  const resume = opts.resumeFrom ? readCarry(opts.resumeFrom) : null;
  if (usable(resume, firstIndex)) {
    firstIndex = resume.lastIndex + 1;
    carries = resume.instruments;
  } else if (usable(stored, firstIndex) && stored.lastIndex === firstIndex - 1) {
    carries = stored.instruments;
  }
  const every = opts.checkpointEvery ?? CHECKPOINT_EVERY;
  const width = compiled.names.length;
  const target: DayWriteTarget = { lakeRoot: opts.lakeRoot, fileOf: opts.fileOf, calendar, names: compiled.names };
  const size = daysPerPass(planQlibQuery({ qlibDir: opts.qlibDir, instruments: 'all', start: calendar[0]!, end: calendar[lastIndex]! }).jobs.length, width);
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  // the write of one pass runs (on DuckDB's thread) while the next pass is evaluated
  let pending: PendingWrite | null = null;
  try {
    for (let first = firstIndex, last = 0; first <= lastIndex; first = last + 1) {
      // passes end on checkpoint rows, so the states there are at hand when a pass ends
      last = Math.min(lastIndex, first + size - 1, Math.ceil((first + 1) / every) * every - 1);
      const plan = planQlibQuery({ qlibDir: opts.qlibDir, instruments: 'all', start: calendar[0]!, end: calendar[last]! });
      const jobs = plan.jobs.map((j) => ({
        instrument: j.instrument,
        spans: j.spans!.map(([a, b]) => [firstAtOrAfter(calendar, a), firstAtOrAfter(calendar, b, true) - 1] as [number, number]),
        first, last,
        prior: carries.get(j.instrument) ?? null,
      }));
      const days = new Map<number, DayRows>();
      for (let i = first; i <= last; i++) if (want.has(i)) days.set(i, newDayRows(width, jobs.length));
      const next = new Map<string, InstrumentCarry>();
      const threads = threadsFor(jobs, first, last, planCarryShape(compiled.plan).maxDepth, opts.threads ?? 1, opts.rowsPerThread ?? ROWS_PER_THREAD);
      for await (const r of evaluateCarriedJobs(compiled, opts.qlibDir, jobs, { threads })) {
        if (r.carry) next.set(r.instrument, r.carry);
        if (r.rowsRead > 0) {
          if (r.resumed) report.resumed++;
          else report.fromStart++;
        }
        addToDays(days, r, width);
      }
      carries = next;
      if (pending) report.days.push(...(await pending.done));
      pending = await startWrite(db, target, days);
      if (opts.checkpointDir && (last + 1) % every === 0) {
        const date = calendar[last]!;
        await writeFeatureCarry(checkpointFile(opts.checkpointDir, date), {
          contentHash: opts.manifest.contentHash, lastDate: date, lastIndex: last, goldDigest: opts.goldDigest?.(date) ?? null,
          nodes: compiled.plan.nodes.length, instruments: carries,
        }, carried, opts.lakeRoot);
      }
    }
    if (pending) report.days.push(...(await pending.done));
    pending = null;
  } finally {
    await pending?.done.catch(() => {}); // a failed pass: let the write in flight settle before DuckDB closes
    db.close();
  }
  // keep the latest carry: a rebuild of older days leaves the carry of a later day in place
  if (opts.carryFile && (!stored || stored.lastIndex <= lastIndex || stored.contentHash !== opts.manifest.contentHash)) {
    const lastDate = calendar[lastIndex]!;
    await writeFeatureCarry(opts.carryFile, {
      contentHash: opts.manifest.contentHash, lastDate, lastIndex, goldDigest: opts.goldDigest?.(lastDate) ?? null,
      nodes: compiled.plan.nodes.length, instruments: carries,
    }, carried, opts.lakeRoot);
  }
  return report;
}

/**
 * Rows of evaluation that pay for one more worker thread: starting a worker (loading and compiling
 * the engine's modules) and cloning jobs to it costs about what evaluating this many rows on the
 * calling thread does, so a one-day update (~62 rows an instrument) stays on the calling thread.
 */
const ROWS_PER_THREAD = 250_000;

/** Threads for a pass: as asked, but no more than the pass's rows pay for. */
function threadsFor(jobs: ReadonlyArray<{ spans: Array<[number, number]>; prior: InstrumentCarry | null }>, first: number, last: number, depth: number, asked: number, perThread: number): number {
  let rows = 0;
  for (const j of jobs) {
    const start = j.spans[0]?.[0] ?? 0;
    rows += j.prior ? last - first + 1 + depth : Math.max(0, last + 1 - start);
  }
  return Math.max(1, Math.min(asked, Math.floor(rows / perThread)));
}

/** The calendar index of the first day >= d (> d when `after`). */
function firstAtOrAfter(calendar: readonly string[], d: string, after = false): number {
  let lo = 0, hi = calendar.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (calendar[mid]! < d || (after && calendar[mid] === d)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
