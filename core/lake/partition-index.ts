import fs from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../files/atomic-write.ts';
import { lakePaths, type Layer } from './lake-paths.ts';
import { parsePartitionRecord, type InputDigest, type PartitionStatus } from './partition-records.ts';

/**
 * A compact, derivable index of a (layer, dataset)'s metadata records, so coverage for 20 years of
 * days reads one JSON file instead of thousands.
 *
 * Records stay the source of truth. The index keeps, per month folder of records, the folder's
 * mtime and the digest of its records. Writing a record renames a file into that folder, which
 * changes the folder's mtime, so a month whose mtime differs from the index is re-read (about 21
 * small files) and the index rewritten. A snapshot taken less than RACY_MS after its folder last
 * changed is not trusted later (mtime granularity could hide a second write in the same tick; the
 * same rule git uses for its index). No writer coordination is needed: concurrent jobs write only
 * records, readers refresh the index, and a lost index update only costs a re-read.
 */

/** What coverage and the planner need from a record. */
export interface IndexedRecord {
  status: PartitionStatus;
  rows: number | null;
  bytes: number | null;
  lastError: string | null;
  /** Content checksum (or, for records written before lineage existed, the source checksum). */
  checksum: string | null;
  /** The source checksum (landing bytes) the record names; legacy staleness compares it. */
  sourceChecksum: string | null;
  builderVersion: number | null;
  /** Lineage; null for records written before lineage existed. */
  inputs: InputDigest[] | null;
}

/**
 * A record as stored in the index (compact: parsed on every cold start):
 * [date, status, rows, bytes, lastError, checksum, sourceChecksum, builderVersion, inputs].
 */
type IndexRow = [string, PartitionStatus, number | null, number | null, string | null, string | null, string | null, number | null, InputDigest[] | null];

interface MonthSnapshot {
  /** mtime of the month folder when read; -1 when the snapshot must be re-read next time. */
  mtimeMs: number;
  records: IndexRow[];
}

interface IndexFile {
  version: 3;
  months: Record<string, MonthSnapshot>;
}

const INDEX_VERSION = 3;
const RACY_MS = 2_000;
const RECORD_NAME = /^\d{4}-\d{2}-\d{2}\.json$/;

// Parsed index files by path, valid while the file's mtime and size are unchanged; a long-lived
// process (the lake utility process) then answers repeated coverage requests without re-parsing.
const memory = new Map<string, { mtimeMs: number; size: number; index: IndexFile }>();

// The last answer per (index file, range), valid while it came from the same parsed index with no
// month re-read: the same Map is then returned, so lineage can keep what it derived from it
// (prefix sums, staleness) across requests. Callers treat the Map and its records as read-only.
const answers = new Map<string, { index: IndexFile; records: Map<string, IndexedRecord> }>();
const ANSWER_LIMIT = 256;

/** Path of the index file of one (layer, dataset). */
export function recordIndexPath(lakeRoot: string, layer: Layer, dataset: string): string {
  return path.join(lakePaths(lakeRoot).metadataDir(layer, dataset), '_index.json');
}

function readIndex(file: string): IndexFile {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) return { version: INDEX_VERSION, months: {} };
  const cached = memory.get(file);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.index;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as IndexFile;
    if (parsed.version === INDEX_VERSION && parsed.months && typeof parsed.months === 'object') {
      memory.set(file, { mtimeMs: st.mtimeMs, size: st.size, index: parsed });
      return parsed;
    }
  } catch {
    // A damaged index is rebuilt from the records below.
  }
  return { version: INDEX_VERSION, months: {} };
}

function writeIndex(lakeRoot: string, file: string, index: IndexFile): void {
  const tmp = tempPathFor(file, lakeRoot);
  try {
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(index));
    fs.renameSync(tmp, file);
    const st = fs.statSync(file);
    memory.set(file, { mtimeMs: st.mtimeMs, size: st.size, index });
  } catch {
    // The index is only a cache (the lake may be read-only for this process); records still rule.
    fs.rmSync(tmp, { force: true });
  }
}

function listNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

function readMonth(dir: string): IndexRow[] {
  const rows: IndexRow[] = [];
  for (const name of listNames(dir).sort()) {
    if (!RECORD_NAME.test(name)) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const rec = parsePartitionRecord(text);
    if (rec) {
      rows.push([
        name.slice(0, 10), rec.status, rec.rows ?? null, rec.bytes ?? null, rec.lastError ?? null,
        rec.checksum ?? rec.sourceChecksum ?? null, rec.sourceChecksum ?? null, rec.builderVersion ?? rec.schemaVersion ?? null, rec.inputs ?? null,
      ]);
    }
  }
  return rows;
}

/**
 * The records of one (layer, dataset) between two dates, from the index, refreshing the months
 * whose folders changed since it was written (and rewriting it when anything was refreshed).
 */
export function loadRecordIndex(
  lakeRoot: string,
  layer: Layer,
  dataset: string,
  from: string,
  to: string,
  opts: { persist?: boolean } = {},
): ReadonlyMap<string, IndexedRecord> {
  const baseDir = lakePaths(lakeRoot).metadataDir(layer, dataset);
  const file = path.join(baseDir, '_index.json');
  const index = readIndex(file);
  const months: Record<string, MonthSnapshot> = { ...index.months };
  const fromMonth = from.slice(0, 7);
  const toMonth = to.slice(0, 7);
  const seen = new Set<string>();
  const now = Date.now();
  let dirty = false;
  // Whether any month was read from its folder (or dropped): otherwise the answer is the index's.
  let changed = false;
  for (const year of listNames(baseDir)) {
    if (!/^\d{4}$/.test(year) || year < from.slice(0, 4) || year > to.slice(0, 4)) continue;
    const yearDir = path.join(baseDir, year);
    for (const month of listNames(yearDir)) {
      const key = `${year}-${month}`;
      if (!/^\d{2}$/.test(month) || key < fromMonth || key > toMonth) continue;
      const monthDir = path.join(yearDir, month);
      const st = fs.statSync(monthDir, { throwIfNoEntry: false });
      if (!st?.isDirectory()) continue;
      seen.add(key);
      const snap = months[key];
      if (snap && snap.mtimeMs === st.mtimeMs) continue;
      changed = true;
      const fresh: MonthSnapshot = { mtimeMs: now - st.mtimeMs > RACY_MS ? st.mtimeMs : -1, records: readMonth(monthDir) };
      // A month still being written is re-read on every request; rewrite the index only when
      // something it would say has changed, not on every poll during a backfill.
      if (!snap || snap.mtimeMs !== fresh.mtimeMs || JSON.stringify(snap.records) !== JSON.stringify(fresh.records)) dirty = true;
      months[key] = fresh;
    }
  }
  for (const key of Object.keys(months)) {
    if (key >= fromMonth && key <= toMonth && !seen.has(key)) {
      delete months[key];
      dirty = true;
      changed = true;
    }
  }
  // A plan (a dry run above all) reads the lake without writing a byte, cache included.
  if (dirty && opts.persist !== false) writeIndex(lakeRoot, file, { version: INDEX_VERSION, months });
  const memoKey = `${file}|${from}|${to}`;
  if (!changed) {
    const hit = answers.get(memoKey);
    if (hit && hit.index === index) return hit.records;
  }
  const out = new Map<string, IndexedRecord>();
  for (const [key, snap] of Object.entries(months)) {
    if (key < fromMonth || key > toMonth) continue;
    for (const [date, status, rows, bytes, lastError, checksum, sourceChecksum, builderVersion, inputs] of snap.records) {
      if (date >= from && date <= to) out.set(date, { status, rows, bytes, lastError, checksum, sourceChecksum, builderVersion, inputs });
    }
  }
  if (!changed) {
    if (answers.size >= ANSWER_LIMIT) answers.clear();
    answers.set(memoKey, { index, records: out });
  } else {
    answers.delete(memoKey);
  }
  return out;
}

/** Forgets parsed indexes held in memory (tests, or after a lake root is switched). */
export function clearRecordIndexMemory(): void {
  memory.clear();
  answers.clear();
}

/** The earliest date with a record for one (layer, dataset), or null when it has none. */
export function firstRecordDate(lakeRoot: string, layer: Layer, dataset: string): string | null {
  const baseDir = lakePaths(lakeRoot).metadataDir(layer, dataset);
  for (const year of listNames(baseDir).filter((y) => /^\d{4}$/.test(y)).sort()) {
    for (const month of listNames(path.join(baseDir, year)).filter((m) => /^\d{2}$/.test(m)).sort()) {
      const first = listNames(path.join(baseDir, year, month)).filter((n) => RECORD_NAME.test(n)).sort()[0];
      if (first) return first.slice(0, 10);
    }
  }
  return null;
}
