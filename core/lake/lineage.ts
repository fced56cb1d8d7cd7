/**
 * Lineage and staleness. Every partition record lists what it was built from: per input (a
 * dataset and layer), the range of partitions read, how many, and a digest of their
 * (date, checksum) pairs; and the builder version. A partition is `stale` when the digest of its
 * inputs today differs from the one it recorded (an input was rewritten with different data, or
 * appeared) or when its builder is older than the code's.
 *
 * The digest of a range is the sum (mod 2^64) of a 60-bit hash of each partition's date and
 * checksum, so it is order- and position-aware (the date is in the hash) and the digest of any
 * range is two prefix sums apart: checking 20 years of a dataset whose partitions each read "the
 * 60 trading days ending at D" or "everything up to D" costs one binary search per input, not a
 * re-read of thousands of records. It detects changes, it is not a security device.
 *
 * Staleness also flows downstream: a partition is out of date when it is stale itself or when any
 * present partition it reads is out of date (a rewritten bronze day leaves its silver stale and,
 * through it, its gold, although the silver file, and so gold's digest, has not changed yet).
 */
import crypto from 'node:crypto';
import { previousTradingDay } from '../calendar/index.ts';
import type { DatasetRegistry, InputMapping, PartitionRef } from '../datasets/index.ts';
import type { Layer } from '../vocabulary/layers.ts';
import { loadRecordIndex, type IndexedRecord } from './partition-index.ts';
import type { InputDigest } from './partition-records.ts';

/** What staleness reads of a partition's own record. */
export type BuiltRecord = Pick<IndexedRecord, 'builderVersion' | 'inputs' | 'sourceChecksum'>;

/** What a partition is (to be) built from, as its record keeps it. */
export interface Lineage {
  builderVersion: number;
  inputs: InputDigest[];
}

const MOD = 1n << 64n;

// Hashes by "date|checksum", kept across readers: each coverage request reads every record of the
// layers it walks, and a SHA-1 per record per request was a third of a 20-year request's time.
const hashMemo = new Map<string, bigint>();
const HASH_MEMO_LIMIT = 1_000_000;

/** The hash one partition contributes to a digest. */
function itemHash(date: string, checksum: string): bigint {
  const key = `${date}|${checksum}`;
  let h = hashMemo.get(key);
  if (h === undefined) {
    h = BigInt(`0x${crypto.createHash('sha1').update(key).digest('hex').slice(0, 15)}`);
    if (hashMemo.size >= HASH_MEMO_LIMIT) hashMemo.clear();
    hashMemo.set(key, h);
  }
  return h;
}

function hex(n: bigint): string {
  return n.toString(16).padStart(16, '0');
}

/** The present partitions of one (dataset, layer), by date, with prefix sums of their hashes. */
interface InputSeries {
  dates: string[];
  /** prefix[i] = sum of the hashes of dates[0..i-1]. */
  prefix: bigint[];
  /** hex(prefix[i]), filled as asked: most ranges start before the first partition ("everything up to D"). */
  prefixHex: Array<string | undefined>;
  byDate: Map<string, IndexedRecord>;
}

// Series by the records they were derived from: the record index hands out the same Map while a
// (dataset, layer) is unchanged, so a long-lived process sums each series once, not per request.
const seriesMemo = new WeakMap<ReadonlyMap<string, IndexedRecord>, InputSeries>();

function seriesOf(records: ReadonlyMap<string, IndexedRecord>): InputSeries {
  let s = seriesMemo.get(records);
  if (!s) seriesMemo.set(records, (s = computeSeries(records)));
  return s;
}

function computeSeries(records: ReadonlyMap<string, IndexedRecord>): InputSeries {
  const present = [...records.entries()].filter(([, r]) => r.status === 'complete' || r.status === 'degraded').sort(([a], [b]) => (a < b ? -1 : 1));
  const dates = present.map(([d]) => d);
  const prefix: bigint[] = [0n];
  let sum = 0n;
  for (const [d, r] of present) {
    sum = (sum + itemHash(d, r.checksum ?? 'none')) % MOD;
    prefix.push(sum);
  }
  return { dates, prefix, prefixHex: [], byDate: new Map(present) };
}

/** Index of the first date >= d. */
function lowerBound(dates: readonly string[], d: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first date > d. */
function upperBound(dates: readonly string[], d: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! <= d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reads lineage inputs from a lake's records, each (dataset, layer) loaded once per reader. */
export interface LineageReader {
  /** Count and digest of the present partitions of (dataset, layer) in [from, to], or of exactly `dates`. */
  digest(dataset: string, layer: Layer, from: string, to: string, dates?: readonly string[]): { count: number; digest: string };
  /** The record of one partition (from the index), or null. */
  record(ref: PartitionRef): IndexedRecord | null;
  /** The dates of the present (complete or degraded) partitions of (dataset, layer), ascending. */
  presentDates(dataset: string, layer: Layer): readonly string[];
  /** Every record of (dataset, layer), as loaded once by this reader (the same Map while its records are unchanged). */
  records(dataset: string, layer: Layer): ReadonlyMap<string, IndexedRecord>;
}

/** A reader over one lake; create one per coverage request or plan (records are read once each). A plan passes persistIndex false: it writes nothing. */
export function createLineageReader(lakeRoot: string, opts: { persistIndex?: boolean } = {}): LineageReader {
  const records = new Map<string, ReadonlyMap<string, IndexedRecord>>();
  const cache = new Map<string, InputSeries>();
  const allRecords = (dataset: string, layer: Layer): ReadonlyMap<string, IndexedRecord> => {
    const key = `${dataset}|${layer}`;
    let r = records.get(key);
    if (!r) {
      r = loadRecordIndex(lakeRoot, layer, dataset, '0000-01-01', '9999-12-31', { persist: opts.persistIndex ?? true });
      records.set(key, r);
    }
    return r;
  };
  const series = (dataset: string, layer: Layer): InputSeries => {
    const key = `${dataset}|${layer}`;
    let s = cache.get(key);
    if (!s) {
      s = seriesOf(allRecords(dataset, layer));
      cache.set(key, s);
    }
    return s;
  };
  return {
    digest(dataset, layer, from, to, dates) {
      const s = series(dataset, layer);
      if (dates) {
        let sum = 0n;
        let count = 0;
        for (const d of dates) {
          const r = s.byDate.get(d);
          if (!r) continue;
          sum = (sum + itemHash(d, r.checksum ?? 'none')) % MOD;
          count++;
        }
        return { count, digest: hex(sum) };
      }
      const a = lowerBound(s.dates, from);
      const b = upperBound(s.dates, to);
      if (a === 0) return { count: b, digest: (s.prefixHex[b] ??= hex(s.prefix[b]!)) };
      return { count: b - a, digest: hex((s.prefix[b]! - s.prefix[a]! + MOD) % MOD) };
    },
    record(ref) {
      return allRecords(ref.dataset, ref.layer).get(ref.date) ?? null;
    },
    presentDates(dataset, layer) {
      return series(dataset, layer).dates;
    },
    records: allRecords,
  };
}

/** The first date of the N trading days ending at `date`. */
function windowStart(date: string, tradingDays: number): string {
  let d = date;
  for (let i = 1; i < tradingDays; i++) d = previousTradingDay(d);
  return d;
}

const namedDatesMemo = new WeakMap<object, Map<string, { from: string; to: string; dates: string[] }>>();

/** The range of an input that a partition on `date` reads (shared: do not modify it). */
export function inputRange(registry: DatasetRegistry, m: InputMapping, date: string): { from: string; to: string; dates?: string[] } {
  switch (m.window.kind) {
    case 'same-day':
      return { from: date, to: date };
    case 'trailing':
      return { from: windowStart(date, m.window.tradingDays), to: date };
    case 'all-up-to':
      return { from: registry.get(m.dataset).firstDate, to: date };
    case 'dates': {
      // Named by calendar rules (fetch units, snapshots) and asked for again by every check of the
      // partition and of what reads it: worked out once per window and date.
      let byDate = namedDatesMemo.get(m.window);
      if (!byDate) namedDatesMemo.set(m.window, (byDate = new Map()));
      let r = byDate.get(date);
      if (!r) {
        const dates = m.window.dates(date);
        byDate.set(date, (r = { from: dates[0] ?? date, to: dates.at(-1) ?? date, dates }));
      }
      return r;
    }
  }
}

/** What a partition would record if built now from the lake as it is. */
export function currentLineage(registry: DatasetRegistry, reader: LineageReader, ref: PartitionRef): Lineage {
  const spec = registry.layer(ref.dataset, ref.layer);
  return {
    builderVersion: spec.builderVersion,
    inputs: spec.inputs.map((m) => {
      const r = inputRange(registry, m, ref.date);
      const d = reader.digest(m.dataset, m.layer, r.from, r.to, r.dates);
      return { dataset: m.dataset, layer: m.layer, from: r.from, to: r.to, ...(r.dates ? { dates: r.dates } : {}), ...d };
    }),
  };
}

function describeRange(i: Pick<InputDigest, 'dataset' | 'layer' | 'from' | 'to'>): string {
  return `${i.dataset} ${i.layer} ${i.from === i.to ? i.from : `${i.from}..${i.to}`}`;
}

/**
 * Why a built partition is out of date, or null when it is fresh. Records from before lineage
 * existed are judged by the one rule that existed then: a bronze file built from a landing file
 * that has since been replaced (their source checksums differ).
 */
export function staleReason(registry: DatasetRegistry, reader: LineageReader, ref: PartitionRef, record: BuiltRecord): string | null {
  const spec = registry.layer(ref.dataset, ref.layer);
  if (record.builderVersion !== null && record.builderVersion < spec.builderVersion) {
    return `built by builder version ${record.builderVersion}; the code is at version ${spec.builderVersion}`;
  }
  if (record.inputs === null) {
    const sameDay = spec.inputs.find((m) => m.window.kind === 'same-day');
    if (!sameDay || !record.sourceChecksum) return null;
    const input = reader.record({ dataset: sameDay.dataset, layer: sameDay.layer, date: ref.date });
    return input?.checksum && input.checksum !== record.sourceChecksum ? `${sameDay.dataset} ${sameDay.layer} ${ref.date} was replaced since this was built` : null;
  }
  // Compared input by input, without building a Lineage: fresh is the common case.
  for (const built of record.inputs) {
    const m = spec.inputs.find((i) => i.dataset === built.dataset && i.layer === built.layer);
    if (!m) return `its input ${built.dataset} ${built.layer} is no longer one of its inputs`;
    const r = inputRange(registry, m, ref.date);
    if (r.from !== built.from || r.to !== built.to) return `its input window is now ${describeRange({ ...m, ...r })} (was ${describeRange(built)})`;
    const d = reader.digest(m.dataset, m.layer, r.from, r.to, r.dates);
    if (d.count !== built.count || d.digest !== built.digest) return `${describeRange({ ...m, ...r })} changed since this was built`;
  }
  for (const m of spec.inputs) {
    if (!record.inputs.some((b) => b.dataset === m.dataset && b.layer === m.layer)) return `it now also reads ${describeRange({ ...m, ...inputRange(registry, m, ref.date) })}`;
  }
  return null;
}

/** Why a partition is out of date at its source: the partition that is stale itself, and its reason. */
interface OutdatedRoot {
  partition: string;
  reason: string;
}

/** The present, out-of-date partitions of one (dataset, layer): ascending dates, and each one's story. */
interface OutdatedSeries {
  dates: string[];
  byDate: Map<string, { reason: string; root: OutdatedRoot }>;
  /** The records it was derived from, per (dataset, layer): its own, its inputs', and theirs upstream. */
  sources: Map<string, ReadonlyMap<string, IndexedRecord>>;
}

const EMPTY_SERIES: OutdatedSeries = { dates: [], byDate: new Map(), sources: new Map() };

// Across readers (requests of a long-lived process), per registry and (dataset, layer): the last
// series, reused while every record Map it was derived from is still the one the index hands out.
const lastSeries = new WeakMap<DatasetRegistry, Map<string, OutdatedSeries>>();

function stillValid(reader: LineageReader, s: OutdatedSeries): boolean {
  for (const [key, records] of s.sources) {
    const [dataset, layer] = key.split('|') as [string, Layer];
    if (reader.records(dataset, layer) !== records) return false;
  }
  return true;
}

// Per reader (one lake state) and registry: the out-of-date series computed so far. A series being
// computed is marked null, so a cycle in a hand-made registry ends instead of recursing forever.
const outdatedMemo = new WeakMap<LineageReader, WeakMap<DatasetRegistry, Map<string, OutdatedSeries | null>>>();

function memoOf(registry: DatasetRegistry, reader: LineageReader): Map<string, OutdatedSeries | null> {
  let byRegistry = outdatedMemo.get(reader);
  if (!byRegistry) outdatedMemo.set(reader, (byRegistry = new WeakMap()));
  let memo = byRegistry.get(registry);
  if (!memo) byRegistry.set(registry, (memo = new Map()));
  return memo;
}

/**
 * Every out-of-date present partition of (dataset, layer), computed once per reader: each present
 * record is checked against its own lineage and against the out-of-date series of its inputs
 * (computed the same way, so the walk reaches every layer upstream once, not once per cell).
 */
function outdatedSeries(registry: DatasetRegistry, reader: LineageReader, dataset: string, layer: Layer): OutdatedSeries {
  const memo = memoOf(registry, reader);
  const key = `${dataset}|${layer}`;
  const known = memo.get(key);
  if (known) return known;
  if (known === null || !registry.has(dataset) || !registry.hasLayer(dataset, layer)) return EMPTY_SERIES;
  let last = lastSeries.get(registry);
  if (!last) lastSeries.set(registry, (last = new Map()));
  const previous = last.get(key);
  if (previous && stillValid(reader, previous)) {
    memo.set(key, previous);
    return previous;
  }
  memo.set(key, null);
  const sources = new Map<string, ReadonlyMap<string, IndexedRecord>>([[key, reader.records(dataset, layer)]]);
  for (const m of registry.layer(dataset, layer).inputs) {
    const k = `${m.dataset}|${m.layer}`;
    sources.set(k, reader.records(m.dataset, m.layer));
    for (const [up, records] of outdatedSeries(registry, reader, m.dataset, m.layer).sources) sources.set(up, records);
  }
  const out: OutdatedSeries = { dates: [], byDate: new Map(), sources };
  for (const date of reader.presentDates(dataset, layer)) {
    const ref = { dataset, layer, date };
    const detail = outdatedDetail(registry, reader, ref, reader.record(ref)!);
    if (!detail) continue;
    out.dates.push(date);
    out.byDate.set(date, detail);
  }
  memo.set(key, out);
  last.set(key, out);
  return out;
}

/** The first out-of-date partition of an input that a partition on `date` reads, or null. */
function firstOutdatedInput(registry: DatasetRegistry, reader: LineageReader, m: InputMapping, date: string): { date: string; reason: string; root: OutdatedRoot } | null {
  const s = outdatedSeries(registry, reader, m.dataset, m.layer);
  if (s.dates.length === 0) return null;
  const r = inputRange(registry, m, date);
  if (r.dates) {
    for (const d of r.dates) {
      const hit = s.byDate.get(d);
      if (hit) return { date: d, ...hit };
    }
    return null;
  }
  const d = s.dates[lowerBound(s.dates, r.from)];
  return d !== undefined && d <= r.to ? { date: d, ...s.byDate.get(d)! } : null;
}

function outdatedDetail(registry: DatasetRegistry, reader: LineageReader, ref: PartitionRef, record: BuiltRecord): { reason: string; root: OutdatedRoot } | null {
  const own = staleReason(registry, reader, ref, record);
  if (own) return { reason: own, root: { partition: `${ref.dataset} ${ref.layer} ${ref.date}`, reason: own } };
  for (const m of registry.layer(ref.dataset, ref.layer).inputs) {
    const hit = firstOutdatedInput(registry, reader, m, ref.date);
    if (!hit) continue;
    const input = `${m.dataset} ${m.layer} ${hit.date}`;
    const why = hit.root.partition === input ? hit.root.reason : `upstream, ${hit.root.partition}: ${hit.root.reason}`;
    return { reason: `its input ${input} is stale (${why})`, root: hit.root };
  }
  return null;
}

/**
 * Why a built partition is out of date, or null when it is fresh: its own lineage first
 * (staleReason), then its inputs, transitively. Use it wherever "stale" is shown or acted on
 * (coverage, the planner); staleReason alone says whether the files it read have changed.
 */
export function outdatedReason(registry: DatasetRegistry, reader: LineageReader, ref: PartitionRef, record: BuiltRecord): string | null {
  return outdatedDetail(registry, reader, ref, record)?.reason ?? null;
}

/** The out-of-date present partitions of (dataset, layer) in [from, to], or among exactly `dates`, ascending. */
export function outdatedDatesIn(
  registry: DatasetRegistry, reader: LineageReader, dataset: string, layer: Layer, from: string, to: string, dates?: readonly string[],
): string[] {
  const s = outdatedSeries(registry, reader, dataset, layer);
  if (s.dates.length === 0) return [];
  if (dates) return dates.filter((d) => s.byDate.has(d));
  const out: string[] = [];
  for (let i = lowerBound(s.dates, from); i < s.dates.length && s.dates[i]! <= to; i++) out.push(s.dates[i]!);
  return out;
}
