/**
 * A version's validation stats kept per day, so a build folds in the days it wrote instead of
 * rescanning every partition. `day-stats.json` (beside version.json) holds each partition's share:
 * rows, the instruments it has (a bitset over the file's instrument list), and per feature the
 * non-null count, min and max (float32, base64, exact), with the partition's size and mtime. A day
 * rebuilt replaces its share; a partition whose size or mtime differs from its share, or that has
 * none (a lake built before this file existed), is scanned with DuckDB; a share whose partition is
 * gone is dropped. The version's stats are then folded from the shares, equal to a scan of all
 * partitions (feature-versions.ts, scanVersionStats).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDuckDb, sqlIdent, sqlString } from '../../duckdb/duckdb-instance.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';

/** One partition's share of the stats: what count(), min() and max() over its file give. */
export interface DayStats {
  rows: number;
  instruments: string[];
  /** Per feature, in manifest order: non-null values, and min/max of them (null when none). */
  count: number[];
  min: Array<number | null>;
  max: Array<number | null>;
}

/** Validation stats of one feature of a version. */
export interface FeatureStats {
  name: string;
  nullRate: number;
  min: number | null;
  max: number | null;
}

/** Validation stats of a version over all its partitions. */
export interface VersionStats {
  rows: number;
  instruments: number;
  partitions: number;
  from: string | null;
  to: string | null;
  features: FeatureStats[];
}

/** A day's share as stored: counts and floats as base64 of their typed arrays. */
interface StoredDay {
  rows: number;
  size: number;
  mtimeMs: number;
  members: string;
  count: string;
  min: string;
  max: string;
}

interface StoredFile {
  features: string[];
  instruments: string[];
  days: Record<string, StoredDay>;
}

/** A day's share in memory, with the file identity it was taken from. */
interface Share {
  rows: number;
  size: number;
  mtimeMs: number;
  /** Indices into the instrument list. */
  members: number[];
  count: Uint32Array;
  min: Float32Array;
  max: Float32Array;
}

/** The per-day stats file of a version directory. */
export function dayStatsFile(versionDir: string): string {
  return path.join(versionDir, 'day-stats.json');
}

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64<T>(text: string, make: (b: ArrayBuffer, n: number) => T, bytes: number): T {
  const buf = Buffer.from(text, 'base64');
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return make(copy, buf.byteLength / bytes);
}

function readStored(file: string, features: readonly string[]): { instruments: string[]; days: Map<string, Share> } {
  const empty = { instruments: [], days: new Map<string, Share>() };
  let stored: StoredFile;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredFile;
  } catch {
    return empty; // missing or unreadable: every partition is scanned once and the file rewritten
  }
  if (stored.features.length !== features.length || stored.features.some((f, k) => f !== features[k])) return empty;
  const days = new Map<string, Share>();
  for (const [date, d] of Object.entries(stored.days)) {
    const bits = Buffer.from(d.members, 'base64');
    const members: number[] = [];
    for (let k = 0; k < bits.length * 8; k++) if (bits[k >> 3]! & (1 << (k & 7))) members.push(k);
    days.set(date, {
      rows: d.rows, size: d.size, mtimeMs: d.mtimeMs, members,
      count: fromB64(d.count, (b, n) => new Uint32Array(b, 0, n), 4),
      min: fromB64(d.min, (b, n) => new Float32Array(b, 0, n), 4),
      max: fromB64(d.max, (b, n) => new Float32Array(b, 0, n), 4),
    });
  }
  return { instruments: stored.instruments, days };
}

function toStored(s: Share): StoredDay {
  const bits = new Uint8Array(s.members.length ? (Math.max(...s.members) >> 3) + 1 : 0);
  for (const k of s.members) bits[k >> 3]! |= 1 << (k & 7);
  return { rows: s.rows, size: s.size, mtimeMs: s.mtimeMs, members: b64(bits), count: b64(s.count), min: b64(s.min), max: b64(s.max) };
}

/** A day's stats as a share, its instruments looked up (and added) in `index`. */
function toShare(d: DayStats, file: { size: number; mtimeMs: number }, instruments: string[], index: Map<string, number>): Share {
  const members = d.instruments.map((name) => {
    let k = index.get(name);
    if (k === undefined) {
      k = instruments.push(name) - 1;
      index.set(name, k);
    }
    return k;
  });
  return {
    rows: d.rows, size: file.size, mtimeMs: file.mtimeMs, members,
    count: Uint32Array.from(d.count),
    min: Float32Array.from(d.min, (v) => v ?? NaN),
    max: Float32Array.from(d.max, (v) => v ?? NaN),
  };
}

/** Each file's stats, scanned with DuckDB (one query over all of them). */
export async function scanDayStats(files: readonly string[], features: readonly string[]): Promise<Map<string, DayStats>> {
  const out = new Map<string, DayStats>();
  if (files.length === 0) return out;
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  try {
    const cols = features.flatMap((f) => [`count(${sqlIdent(f)})`, `min(${sqlIdent(f)})`, `max(${sqlIdent(f)})`]);
    const sql = `SELECT filename, count(*), list(instrument), ${cols.join(', ')}
      FROM read_parquet([${files.map(sqlString).join(', ')}], filename = true) GROUP BY filename`;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v) + 0); // + 0: -0 as 0, as min() keeps either
    const asked = new Set(files);
    for (const row of (await db.connection.runAndReadAll(sql)).getRows()) {
      if (!asked.has(String(row[0]))) throw new Error(`DuckDB named a scanned partition ${String(row[0])}, not one of the files asked for`);
      const names = (row[2] as { items: unknown[] }).items.map(String);
      out.set(String(row[0]), {
        rows: Number(row[1]), instruments: names,
        count: features.map((_, k) => Number(row[3 + 3 * k])),
        min: features.map((_, k) => num(row[4 + 3 * k])),
        max: features.map((_, k) => num(row[5 + 3 * k])),
      });
    }
  } finally {
    db.close();
  }
  // a file with no rows has no group
  for (const f of files) if (!out.has(f)) out.set(f, { rows: 0, instruments: [], count: features.map(() => 0), min: features.map(() => null), max: features.map(() => null) });
  return out;
}

/**
 * Brings a version's per-day stats up to date with its partitions (`parts`) and folds them:
 * `built` days (just written, stats in hand) replace their shares, partitions without a matching
 * share are scanned, shares of removed partitions are dropped. Writes day-stats.json.
 */
export async function updateDayStats(opts: {
  lakeRoot: string;
  versionDir: string;
  features: readonly string[];
  parts: ReadonlyArray<{ date: string; file: string }>;
  built: ReadonlyArray<{ date: string; stats: DayStats }>;
}): Promise<VersionStats> {
  const { features } = opts;
  const file = dayStatsFile(opts.versionDir);
  const stored = readStored(file, features);
  const instruments = stored.instruments;
  const index = new Map(instruments.map((n, k) => [n, k]));
  const built = new Map(opts.built.map((b) => [b.date, b.stats]));
  const shares = new Map<string, Share>();
  const toScan: Array<{ date: string; file: string; size: number; mtimeMs: number }> = [];
  for (const p of opts.parts) {
    const st = fs.statSync(p.file);
    const fresh = built.get(p.date);
    const old = stored.days.get(p.date);
    if (fresh) shares.set(p.date, toShare(fresh, st, instruments, index));
    else if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) shares.set(p.date, old);
    else toScan.push({ ...p, size: st.size, mtimeMs: st.mtimeMs });
  }
  const scanned = await scanDayStats(toScan.map((p) => p.file), features);
  for (const p of toScan) shares.set(p.date, toShare(scanned.get(p.file)!, p, instruments, index));
  const dates = opts.parts.map((p) => p.date);
  const body: StoredFile = { features: [...features], instruments, days: Object.fromEntries(dates.map((d) => [d, toStored(shares.get(d)!)])) };
  await writeFileAtomic(file, `${JSON.stringify(body)}\n`, { lakeRoot: opts.lakeRoot });
  return foldStats(features, dates.map((d) => [d, shares.get(d)!]));
}

/** The version's stats from its days' shares (the sums, the lowest min and highest max, the instruments seen). */
function foldStats(features: readonly string[], days: ReadonlyArray<[string, Share]>): VersionStats {
  let rows = 0;
  let from: string | null = null;
  let to: string | null = null;
  const seen = new Set<number>();
  const count = new Float64Array(features.length);
  const min = new Float64Array(features.length).fill(NaN);
  const max = new Float64Array(features.length).fill(NaN);
  for (const [date, s] of days) {
    if (s.rows === 0) continue;
    rows += s.rows;
    if (from === null || date < from) from = date;
    if (to === null || date > to) to = date;
    for (const k of s.members) seen.add(k);
    for (let f = 0; f < features.length; f++) {
      count[f]! += s.count[f]!;
      if (s.count[f]! === 0) continue;
      if (!(min[f]! <= s.min[f]!)) min[f] = s.min[f]!;
      if (!(max[f]! >= s.max[f]!)) max[f] = s.max[f]!;
    }
  }
  const orNull = (v: number) => (v === v ? v : null);
  return {
    rows, instruments: seen.size, partitions: days.length, from, to,
    features: features.map((name, f) => ({ name, nullRate: rows ? 1 - count[f]! / rows : 0, min: orNull(min[f]!), max: orNull(max[f]!) })),
  };
}
