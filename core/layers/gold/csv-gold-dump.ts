/**
 * `quantmini qlib dump`: per-symbol CSVs to gold, as Qlib's `dump_bin.py dump_all` does it (file stem
 * = symbol, calendar = sorted union of every file's dates, each symbol's bins over its first..last
 * date with NaN on calendar days it lacks, duplicate dates keep the first row, all.txt in file-name
 * order) and through the same writer the lake uses. `--update` merges new rows into an existing
 * gold directory and writes what a dump of all rows would write (not what dump_update writes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QlibCsvError, type QlibCsvOptions, type QlibCsvTable } from '../../qlib/qlib-csv-reader.ts';
import { formatTimestampKey } from '../../qlib/qlib-datetime.ts';
import { codeFromFileStem } from '../../qlib/qlib-symbols.ts';
import { compareCodePoints } from '../../qlib/qlib-text-files.ts';
import { calendarIndices, KeyUnion, keySummary } from './csv-dump-calendar.ts';
import { createCsvPool, orderedResults, poolSizeFor, type CsvPool, type CsvTaskResult } from './csv-parse-pool.ts';
import type { GoldBuild } from './gold-build.ts';
import type { GoldCommitStats, GoldInstrument } from './gold-types.ts';
import { updateGold, writeGold, type GoldWriteOptions } from './gold-writer.ts';

/** How to read the CSVs (dump_bin.py's options of the same names). */
export interface CsvDumpOptions {
  freq: string;
  dateField: string;
  includeFields?: readonly string[];
  excludeFields?: readonly string[];
  /** Worker threads that parse CSVs (default: one per core for inputs over 8 MB, none below). */
  threads?: number;
  /** Bytes of parsed tables kept from pass one for pass two (default: keepBudget(); 0 parses every file twice). */
  keepBytes?: number;
}

/** What a dump did. */
export interface CsvDumpResult extends GoldCommitStats {
  /** CSV files read. */
  files: number;
  /** Files that had a header but no rows (dump_all skips them too). */
  emptyFiles: string[];
  /** Instruments written or changed by this run. */
  changedInstruments: number;
  calendarFirst: string | null;
  calendarLast: string | null;
}

/** One input file after the date pass. */
interface CsvFile {
  path: string;
  name: string;
  code: string;
  rows: number;
  minKey: number;
  maxKey: number;
}

/** The CSV files dump_all would read from a directory (or the one file given), sorted as it sorts them. */
export function listCsvFiles(csvPath: string): string[] {
  const st = fs.statSync(csvPath);
  if (!st.isDirectory()) return [path.resolve(csvPath)];
  return fs
    .readdirSync(csvPath, { withFileTypes: true })
    .filter((d) => d.name.endsWith('.csv') && (d.isFile() || d.isSymbolicLink()))
    .map((d) => d.name)
    .sort(compareCodePoints)
    .map((n) => path.resolve(csvPath, n));
}

/**
 * Pass one: every file's date range, the union of all dates, and the symbol rules checked. Files are
 * parsed whole while the tables kept stay within the session's budget (pass two then reads them from
 * memory); past it, only their dates are read and pass two parses them again.
 */
async function scanFiles(
  files: readonly string[],
  session: ParseSession,
): Promise<{ scanned: CsvFile[]; keys: Float64Array; empty: string[] }> {
  const { pool, kept } = session;
  const union = new KeyUnion();
  const scanned: CsvFile[] = [];
  const empty: string[] = [];
  const byCode = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file);
    const code = codeFromFileStem(name.slice(0, name.length - path.extname(name).length));
    if (!code) throw new QlibCsvError(file, null, null, 'the file name gives an empty Qlib symbol');
  }
  // The kind is chosen when a file is dispatched: tables while what is kept is under budget.
  const run = (file: string) => pool.run({ kind: session.keptBytes < session.budget ? 'table' : 'dates', file });
  for await (const [file, res] of orderedResults(files, run, 4 * Math.max(1, pool.threads))) {
    const r = res.kind === 'dates' ? res : keySummary(res.table.keys);
    if (res.kind === 'table' && r.rows > 0) {
      kept.set(file, res.table);
      session.keptBytes += tableBytes(res.table);
    }
    const name = path.basename(file);
    const code = codeFromFileStem(name.slice(0, name.length - path.extname(name).length));
    if (r.rows === 0) {
      empty.push(file);
      continue;
    }
    const other = byCode.get(code);
    if (other !== undefined) throw new QlibCsvError(
      file,
      null,
      null,
      `symbol ${code.toUpperCase()} comes from both ${path.basename(other)} and ${name}`,
    );
    byCode.set(code, file);
    union.add(r.keys);
    scanned.push({ path: file, name, code, rows: r.rows, minKey: r.minKey, maxKey: r.maxKey });
  }
  return { scanned, keys: union.keys(), empty };
}

/**
 * How many bytes of parsed tables pass one may keep for pass two (instead of parsing every file
 * twice): an eighth of the machine's memory, at most 1 GiB. Tables take about half the CSV's size
 * (2,000 symbols x 1,250 days of 7 fields: 184 MB of CSV, about 100 MB of tables), so typical
 * dumps fit on any machine, while the budget leaves the app, the writer and the OS most of it.
 */
function keepBudget(): number {
  return Math.min(2 ** 30, os.totalmem() / 8);
}

/** Parse pool, and the tables kept from pass one (within `budget` bytes). */
interface ParseSession {
  pool: CsvPool;
  kept: Map<string, QlibCsvTable>;
  keptBytes: number;
  budget: number;
}

function tableBytes(t: QlibCsvTable): number {
  let n = t.keys.byteLength + t.lines.byteLength;
  for (const v of t.values) n += v.byteLength;
  for (const v of t.gappedValues) if (v) n += v.byteLength;
  return n;
}


/** The tables of the scanned files, in file order: kept from pass one, or parsed ahead by the pool. */
async function* tables(scanned: readonly CsvFile[], session: ParseSession): AsyncGenerator<[CsvFile, QlibCsvTable]> {
  const { pool, kept } = session;
  const run = (f: CsvFile): Promise<CsvTaskResult> => {
    const t = kept.get(f.path);
    if (!t) return pool.run({ kind: 'table', file: f.path });
    kept.delete(f.path);
    return Promise.resolve({ kind: 'table', table: t });
  };
  for await (const [f, r] of orderedResults(scanned, run, 2 * Math.max(1, pool.threads))) {
    if (r.kind !== 'table') throw new Error('internal: expected a table');
    yield [f, r.table];
  }
}

/** Runs `body` with a parse pool sized for the input, closing it afterwards. */
async function withPool<T>(files: readonly string[], opts: CsvDumpOptions, body: (session: ParseSession) => Promise<T>): Promise<T> {
  let bytes = 0;
  for (const f of files) bytes += fs.statSync(f).size;
  const pool = createCsvPool(readerOptions(opts), opts.threads ?? poolSizeFor(bytes));
  try {
    return await body({ pool, kept: new Map(), keptBytes: 0, budget: opts.keepBytes ?? keepBudget() });
  } finally {
    await pool.close();
  }
}

function readerOptions(opts: CsvDumpOptions): QlibCsvOptions {
  return { dateField: opts.dateField, freq: opts.freq, includeFields: opts.includeFields, excludeFields: opts.excludeFields };
}

/** A table's rows laid on calendar indices: `present[i - start]` is the row of day i (-1: none), null when every day has one (row r on start + r). */
interface Laid {
  fields: Map<string, Float32Array>;
  present: Int32Array | null;
}

/**
 * Values of a table's rows laid on calendar indices [start, end] (`idx`: each row's index): NaN where
 * a day has no row, the first row winning when a date repeats (drop_duplicates keeps the first).
 * Rows in strictly increasing date order covering every day are the columns themselves, not a copy.
 */
function columnsOver(table: QlibCsvTable, idx: Int32Array, ascending: boolean, start: number, end: number): Laid {
  const len = end - start + 1;
  const n = table.keys.length;
  const fields = new Map<string, Float32Array>();
  if (ascending && n === len) {
    table.fields.forEach((name, f) => fields.set(name.toLowerCase(), table.values[f]!));
    return { fields, present: null };
  }
  const rowAt = new Int32Array(len).fill(-1);
  for (let r = 0; r < n; r++) {
    const i = idx[r]! - start;
    if (rowAt[i] === -1) rowAt[i] = r;
  }
  const gapped = n < len || rowAt.includes(-1);
  table.fields.forEach((name, f) => {
    const src = (gapped ? table.gappedValues[f] : null) ?? table.values[f]!;
    const out = new Float32Array(len);
    for (let i = 0; i < len; i++) {
      const r = rowAt[i]!;
      out[i] = r < 0 ? Number.NaN : src[r]!;
    }
    fields.set(name.toLowerCase(), out);
  });
  return { fields, present: gapped ? rowAt : null };
}

function rangeOf(idx: Int32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of idx) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return [lo, hi];
}

function calendarLabels(keys: Float64Array, freq: string): string[] {
  const labels = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) labels[i] = formatTimestampKey(keys[i]!, freq);
  return labels;
}

/** Dumps every CSV under `csvPath` into the gold directory `qlibDir`, replacing its contents (dump_all). */
export async function dumpCsvToGold(
  csvPath: string,
  qlibDir: string,
  opts: CsvDumpOptions,
  writeOpts: GoldWriteOptions = {},
): Promise<CsvDumpResult> {
  const files = listCsvFiles(csvPath);
  return withPool(files, opts, async (session) => {
    const { scanned, keys, empty } = await scanFiles(files, session);
    const labels = calendarLabels(keys, opts.freq);
    async function* instruments(): AsyncGenerator<GoldInstrument> {
      for await (const [f, table] of tables(scanned, session)) {
        const idx = new Int32Array(table.keys.length);
        const ascending = calendarIndices(keys, table.keys, idx);
        const [start, end] = ascending ? [idx[0]!, idx.at(-1)!] : rangeOf(idx);
        yield { code: f.code, key: f.name, spans: [{ start, end }], fields: columnsOver(table, idx, ascending, start, end).fields };
      }
    }
    const stats = await writeGold(qlibDir, { freq: opts.freq, calendar: labels, instruments: instruments() }, writeOpts);
    return {
      ...stats,
      files: files.length,
      emptyFiles: empty,
      changedInstruments: scanned.length,
      calendarFirst: labels[0] ?? null,
      calendarLast: labels.at(-1) ?? null,
    };
  });
}

const bitsOf = (f: Float32Array) => new Uint32Array(f.buffer, f.byteOffset, f.length);

/**
 * Adds the rows of the CSVs under `csvPath` to the gold directory `qlibDir`: the result is what a
 * full dump of the old rows plus these would write. A row for a date an instrument already has must
 * hold the same values (or fill a day that had none); anything else is an error, since a dump of all
 * rows would keep the first and silently drop the other.
 */
export async function updateGoldFromCsv(
  csvPath: string,
  qlibDir: string,
  opts: CsvDumpOptions,
  writeOpts: GoldWriteOptions = {},
): Promise<CsvDumpResult> {
  const files = listCsvFiles(csvPath);
  return withPool(files, opts, async (session) => {
    const { scanned, keys, empty } = await scanFiles(files, session);
    let changed = 0;
    let first: string | null = null;
    let last: string | null = null;
    const stats = await updateGold(
      qlibDir,
      opts.freq,
      async (b) => {
        mergeCalendar(b, keys, opts.freq);
        const index = (k: number) => {
          const i = b.indexOf(formatTimestampKey(k, opts.freq));
          if (i < 0) throw new Error(`internal: ${formatTimestampKey(k, opts.freq)} missing from the merged calendar`);
          return i;
        };
        for await (const [f, table] of tables(scanned, session)) if (mergeFile(b, f, table, index)) changed++;
        first = b.calendar[0] ?? null;
        last = b.calendar.at(-1) ?? null;
      },
      writeOpts,
    );
    return { ...stats, files: files.length, emptyFiles: empty, changedInstruments: changed, calendarFirst: first, calendarLast: last };
  });
}

/** Calendar = old labels plus the new dates; appended when they all come later, else inserted (and instruments remapped). */
function mergeCalendar(b: GoldBuild, keys: Float64Array, freq: string): void {
  const labels = calendarLabels(keys, freq);
  const last = b.calendar.at(-1);
  const fresh = labels.filter((l) => b.indexOf(l) < 0);
  if (fresh.length === 0) return;
  if (last === undefined || fresh[0]! > last) b.appendCalendar(fresh);
  else {
    const merged = [...new Set([...b.calendar, ...fresh])].sort();
    b.setCalendar(merged);
  }
}

/** Merges one file's rows into its instrument; returns whether anything changed. */
function mergeFile(b: GoldBuild, f: CsvFile, table: QlibCsvTable, index: (k: number) => number): boolean {
  const start = index(f.minKey);
  const end = index(f.maxKey);
  const cur = b.state(f.code);
  const idx = new Int32Array(table.keys.length);
  let ascending = true;
  for (let r = 0; r < idx.length; r++) {
    idx[r] = index(table.keys[r]!);
    if (r > 0 && idx[r]! <= idx[r - 1]!) ascending = false;
  }
  const incoming = columnsOver(table, idx, ascending, start, end);
  if (!cur) {
    b.put({ code: f.code, key: f.name, spans: [{ start, end }], fields: incoming.fields });
    return true;
  }
  if (cur.key !== f.name) throw new QlibCsvError(
    f.path,
    null,
    null,
    `symbol ${f.code.toUpperCase()} was dumped from a file named ${cur.key}, not ${f.name}`,
  );
  const names = [...incoming.fields.keys()].sort();
  if (names.join(',') !== cur.fields.join(',')) {
    throw new QlibCsvError(
      f.path,
      null,
      null,
      `columns ${names.join(', ')} differ from the bins already dumped for ${f.code.toUpperCase()} (${cur.fields.join(', ')})`,
    );
  }
  if (cur.spans.length !== 1) throw new QlibCsvError(
    f.path,
    null,
    null,
    `${f.code.toUpperCase()} has ${cur.spans.length} spans; CSV updates handle one`,
  );
  const oldStart = cur.binStart;
  const oldEnd = cur.binStart + cur.length - 1;
  if (start > oldEnd) {
    // The daily case: every row after what is stored. The patch fills the days between with NaN.
    b.patch(f.code, start, incoming.fields);
    return true;
  }
  // Stored values from the first index this file can touch (all of them when it reaches back before the start).
  const lo = Math.max(oldStart, start);
  const old = new Map(cur.fields.map((name) => [name, b.values(f.code, name, lo)!] as const));
  // Compare every incoming row that falls inside the old range with what is stored.
  let firstChange = end > oldEnd ? oldEnd + 1 : Infinity;
  const seen = new Set<number>();
  for (let r = 0; r < table.keys.length; r++) {
    const i = idx[r]!;
    if (i < oldStart || i > oldEnd || seen.has(i)) continue;
    seen.add(i);
    let allOldNaN = true;
    let equal = true;
    let differing = '';
    for (const name of cur.fields) {
      const stored = old.get(name)!;
      const given = incoming.fields.get(name)!;
      const o = stored[i - lo]!;
      const n = given[i - start]!;
      if (!Number.isNaN(o)) allOldNaN = false;
      // Equal means the same float32 bits (any NaN equals any NaN: both are "no value").
      const same = Number.isNaN(o) ? Number.isNaN(n) : bitsOf(stored)[i - lo] === bitsOf(given)[i - start];
      if (!same && !differing) differing = `${name}: ${o} in gold, ${n} here`;
      equal &&= same;
    }
    if (equal) continue;
    if (!allOldNaN) {
      throw new QlibCsvError(
        f.path,
        table.lines[r]!,
        null,
        `the row for ${b.calendar[i]} differs from what gold holds for ${f.code.toUpperCase()} (${differing}); --update only adds rows`,
      );
    }
    firstChange = Math.min(firstChange, i);
  }
  const newStart = Math.min(start, oldStart);
  const newEnd = Math.max(end, oldEnd);
  if (start >= oldStart && firstChange === Infinity) return false;
  const from = start < oldStart ? newStart : firstChange;
  const cols = new Map<string, Float32Array>();
  for (const name of cur.fields) {
    const ob = bitsOf(old.get(name)!);
    const nb = bitsOf(incoming.fields.get(name)!);
    const out = new Float32Array(newEnd - from + 1).fill(Number.NaN);
    const outBits = bitsOf(out);
    for (let i = from; i <= newEnd; i++) {
      const inOld = i >= oldStart && i <= oldEnd;
      const hasRow = i >= start && i <= end && (incoming.present === null || incoming.present[i - start]! >= 0);
      // A stored row wins (the incoming one was checked to be equal); an incoming row fills a day without one.
      if (inOld && !allNaNAt(old, cur.fields, i - lo)) outBits[i - from] = ob[i - lo]!;
      else if (hasRow) outBits[i - from] = nb[i - start]!;
      else if (inOld) outBits[i - from] = ob[i - lo]!;
    }
    cols.set(name, out);
  }
  if (start < oldStart) b.put({ code: f.code, key: f.name, spans: [{ start: newStart, end: newEnd }], fields: cols });
  else b.patch(f.code, from, cols);
  return true;
}

function allNaNAt(old: ReadonlyMap<string, Float32Array>, fields: readonly string[], i: number): boolean {
  for (const name of fields) if (!Number.isNaN(old.get(name)![i]!)) return false;
  return true;
}
