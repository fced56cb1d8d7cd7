/**
 * A gold generation under construction: the operations the CSV dump and the lake apply (put an
 * instrument, patch its values from an index on, change its spans, remove it, append calendar
 * labels, set a market file) and the commit that makes it current.
 *
 * The new generation is built in a directory no reader is pointed at. It starts as the recycled
 * standby (the previous generation, whose manifest says what differs from the active one), as a
 * leftover of an interrupted build (state unknown, so every file is checked against the active
 * generation), or empty (unchanged files are then hard-linked from the active generation). Files
 * are changed in place only when they are this directory's own inodes. Nothing is visible until the
 * commit renames the finished directory and swaps the symlink; a crash at any point leaves the
 * previous generation current and the half-built directory as a leftover the next build reuses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAX_EXACT_INDEX } from '../../qlib/qlib-bin.ts';
import { featureDirName, instrumentName } from '../../qlib/qlib-symbols.ts';
import { compareCodePoints, formatCalendarText, formatInstrumentsText } from '../../qlib/qlib-text-files.ts';
import { cloneFile, createFile, ensureDir, fsyncAll, linkFile, newCounters, patchFile, readRange, sameInode } from './gold-files.ts';
import { readGoldManifest, writeGoldManifest, type GoldManifest, type ManifestInstrument } from './gold-manifest.ts';
import {
  activeGeneration,
  generationDir,
  GoldStoreError,
  goldLayout,
  lockStore,
  manifestPath,
  partialDir,
  removeGeneration,
  storedGenerations,
  switchTo,
  type GoldLayout,
} from './gold-store.ts';
import type { GoldColumns, GoldCommitStats, GoldInstrument, GoldInstrumentState, GoldMarketLine, GoldSpan } from './gold-types.ts';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('the gold writer needs a little-endian machine');

/** Options of a build. */
export interface GoldBuildOptions {
  /** Frequency (`day`, `1min`, ...): file suffix and calendar format. An update must keep the active one. */
  freq: string;
  /** Start from no instruments and no calendar (a full rebuild); the active generation is only recycled. */
  fresh?: boolean;
  /** fsync every written file and folder before the switch (survives power loss, not only a killed process). */
  durable?: boolean;
}

/** The operations available while a build is open (see README.md for when the lake uses which). */
export interface GoldBuild {
  readonly freq: string;
  /** Calendar labels of the generation being built, in order. */
  readonly calendar: readonly string[];
  /** Calendar index of a label, or -1. */
  indexOf(label: string): number;
  /** The instrument's state in this build, or undefined. */
  state(code: string): GoldInstrumentState | undefined;
  /** Codes of every instrument in this build. */
  codes(): string[];
  /**
   * Values of a field as they stand in this build from calendar index `from` (default: its first) to
   * its end, or null when the instrument has no such bin.
   */
  values(code: string, field: string, from?: number): Float32Array | null;
  /** Appends calendar labels (each after the last). */
  appendCalendar(labels: readonly string[]): void;
  /**
   * Replaces the calendar by a superset of it (labels inserted anywhere); instruments whose indices
   * move are rewritten. A fresh build may set any calendar.
   */
  setCalendar(labels: readonly string[]): void;
  /** Writes an instrument whole: a new listing, or a history rewritten (e.g. a corrected corporate action). */
  put(instrument: GoldInstrument): void;
  /**
   * Replaces an instrument's values from calendar index `from` on (NaN fills any gap after its
   * current end) and ends its bins there; earlier values are kept. Without `spans` the last span's end
   * follows the new end (a daily append); pass spans when they change otherwise (a relisting).
   */
  patch(code: string, from: number, fields: GoldColumns, spans?: readonly GoldSpan[]): void;
  /** Changes an instrument's spans; its bins are cut, or padded with NaN, to the new range. */
  setSpans(code: string, spans: readonly GoldSpan[]): void;
  /** Removes an instrument (its bins and its lines). */
  remove(code: string): void;
  /** Sets (or with null removes) instruments/<name>.txt; `all` is derived from the instruments. */
  setMarket(name: string, lines: readonly GoldMarketLine[] | null): void;
}

/** Where a field's bin in the partial directory stands relative to the active generation. */
type Disk =
  /** Holds this build's current bytes. */
  | { kind: 'synced' }
  /** Holds the active generation's bytes for indices below `from`; anything after. */
  | { kind: 'stale'; from: number }
  /** Unknown bytes (a leftover directory). */
  | { kind: 'unknown' }
  /** No files. */
  | { kind: 'absent' };

interface Entry extends GoldInstrumentState {
  changedFrom: number | null;
  disk: Disk;
  /** In the active generation, with these fields (for reading and linking). */
  inBase: boolean;
  /** Written by an operation of this build. */
  touched: boolean;
  /** The active generation's bytes from its manifest's changedFrom on, when the manifest kept them. */
  baseTail?: { from: number; bytes: ReadonlyMap<string, Buffer> };
  /** This build's bytes from changedFrom on, when one small patch made all its changes. */
  tail?: Map<string, Buffer>;
}

const NAN_BITS = 0x7fc00000;

function nanBytes(count: number): Uint8Array {
  const u = new Uint32Array(Math.max(0, count));
  u.fill(NAN_BITS);
  return new Uint8Array(u.buffer);
}

function valueBytes(values: ArrayLike<number>): Uint8Array {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

function headerBytes(start: number): Uint8Array {
  if (!Number.isInteger(start) || start < 0 || start > MAX_EXACT_INDEX) {
    throw new RangeError(`calendar index ${start} cannot be stored exactly as a Qlib start index (0..${MAX_EXACT_INDEX})`);
  }
  return new Uint8Array(new Float32Array([start]).buffer);
}

/** Byte offset of calendar index i in a bin starting at binStart. */
const off = (i: number, binStart: number) => 4 + 4 * (i - binStart);

function checkSpans(code: string, spans: readonly GoldSpan[], calendarLength: number): GoldSpan[] {
  if (spans.length === 0) throw new RangeError(`${code}: an instrument needs at least one span`);
  let prev = -1;
  for (const s of spans) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start > s.end) {
      throw new RangeError(`${code}: span ${s.start}..${s.end} is not a range of calendar indices`);
    }
    if (s.start <= prev) throw new RangeError(`${code}: spans must be ascending and must not overlap (${s.start} after ${prev})`);
    if (s.end >= calendarLength) throw new RangeError(
      `${code}: span ends at calendar index ${s.end}, past the calendar's last (${calendarLength - 1})`,
    );
    prev = s.end;
  }
  return spans.map((s) => ({ start: s.start, end: s.end }));
}

function lowerBound(labels: readonly string[], label: string): number {
  let lo = 0;
  let hi = labels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (labels[mid]! < label) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const MARKET_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Longest change (values per bin) whose bytes the manifest keeps for the next update (a day of minutes). */
const MAX_TAIL_VALUES = 960;

/** Internal: an open build with its commit (used by writeGold/updateGold in gold-writer.ts). */
export interface OpenGoldBuild {
  build: GoldBuild;
  commit(): Promise<GoldCommitStats>;
  /** Releases the lock after a failure; the partial directory stays for the next build to reuse. */
  abort(): void;
}

/** Opens a build on a Qlib directory (taking its writer lock). */
export function openGoldBuild(target: string, options: GoldBuildOptions): OpenGoldBuild {
  const started = performance.now();
  const layout = goldLayout(target);
  fs.mkdirSync(path.dirname(layout.target), { recursive: true });
  const unlock = lockStore(layout);
  try {
    return prepare(layout, options, started, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

function prepare(layout: GoldLayout, options: GoldBuildOptions, started: number, unlock: () => void): OpenGoldBuild {
  const { freq } = options;
  if (!/^[A-Za-z0-9]+$/.test(freq)) throw new RangeError(`freq "${freq}" is not a Qlib frequency name`);
  const active = activeGeneration(layout);
  const activeManifest = active ? readGoldManifest(manifestPath(layout, active.generation)) : null;
  if (active && !activeManifest && !options.fresh) {
    throw new GoldStoreError(`the manifest of ${active.dir} is missing or unreadable; rebuild with a full dump`);
  }
  if (activeManifest && !options.fresh && activeManifest.freq !== freq) {
    throw new GoldStoreError(`${layout.target} holds ${activeManifest.freq} data; an update cannot switch it to ${freq}`);
  }
  const baseCalendar = active && activeManifest && !options.fresh ? readCalendarLabels(active.dir, activeManifest) : [];
  const calendar: string[] = [...baseCalendar];
  const baseMarkets = new Map<string, GoldMarketLine[]>();
  if (active && activeManifest && !options.fresh) {
    for (const m of activeManifest.markets) baseMarkets.set(m, readMarket(active.dir, m));
  }

  // Choose the directory to build in and what it holds relative to the active generation.
  const stored = storedGenerations(layout);
  const generation = Math.max(0, active?.generation ?? 0, ...stored.map((g) => g.generation)) + 1;
  const dir = partialDir(layout, generation);
  let startedFrom: GoldCommitStats['startedFrom'] = 'empty';
  let standby: GoldManifest | null = null;
  const standbyGen = activeManifest?.parent ?? null;
  const standbyDir = standbyGen !== null ? stored.find((g) => g.generation === standbyGen && !g.partial) : undefined;
  if (standbyDir && active) {
    standby = readGoldManifest(manifestPath(layout, standbyGen!), { tails: false });
    if (standby && standby.freq === activeManifest!.freq) {
      fs.rmSync(manifestPath(layout, standbyGen!), { force: true });
      fs.renameSync(standbyDir.dir, dir);
      startedFrom = 'standby';
    } else standby = null;
  }
  if (startedFrom === 'empty') {
    const leftover = stored.find((g) => g.generation !== active?.generation);
    if (leftover) {
      if (!leftover.partial) fs.rmSync(manifestPath(layout, leftover.generation), { force: true });
      fs.renameSync(leftover.dir, dir);
      startedFrom = 'leftover';
    } else fs.mkdirSync(dir, { recursive: true });
  }

  const entries = new Map<string, Entry>();
  const baseByCode = new Map<string, ManifestInstrument>();
  for (const inst of activeManifest?.instruments ?? []) baseByCode.set(inst.code, inst);
  const standbyByCode = new Map<string, ManifestInstrument>();
  for (const inst of standby?.instruments ?? []) standbyByCode.set(inst.code, inst);
  const doomedDirs = new Set<string>();
  if (!options.fresh) {
    for (const base of baseByCode.values()) {
      entries.set(base.code, {
        code: base.code,
        key: base.key,
        spans: base.spans.map((s) => ({ ...s })),
        binStart: base.binStart,
        length: base.length,
        fields: [...base.fields],
        changedFrom: null,
        inBase: true,
        touched: false,
        disk: initialDisk(startedFrom, base, standbyByCode.get(base.code)),
        baseTail: base.tail && base.changedFrom !== null ? { from: base.changedFrom, bytes: base.tail } : undefined,
      });
    }
  }
  // Instruments the recycled standby holds that the active generation does not: their folders go.
  for (const code of standbyByCode.keys()) if (!baseByCode.has(code) || options.fresh) doomedDirs.add(featureDirName(code));
  if (options.fresh && startedFrom !== 'empty') for (const code of baseByCode.keys()) doomedDirs.add(featureDirName(code));

  const markets = new Map<string, GoldMarketLine[]>(baseMarkets);
  const counters = newCounters(Boolean(options.durable));
  const made = new Set<string>();
  const activeDir = active?.dir ?? null;
  let calendarFresh = Boolean(options.fresh);

  const binName = (field: string) => `${field}.${freq.toLowerCase()}.bin`;
  const instDir = (root: string, code: string) => path.join(root, 'features', featureDirName(code));
  const partialPath = (code: string, field: string) => path.join(instDir(dir, code), binName(field));
  const activePath = (code: string, field: string) => path.join(instDir(activeDir!, code), binName(field));

  const entryOf = (code: string): Entry => {
    const e = entries.get(code);
    if (!e) throw new RangeError(`${code}: no such instrument in this gold directory`);
    return e;
  };

  /** Removes bins of fields an instrument no longer has (or, for an unknown folder, anything not a current bin). */
  const dropOtherFiles = (code: string, keep: readonly string[]) => {
    const folder = instDir(dir, code);
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      return;
    }
    const wanted = new Set(keep.map(binName));
    for (const n of names) if (!wanted.has(n)) fs.rmSync(path.join(folder, n), { recursive: true, force: true });
  };

  /**
   * Bytes of the active generation's bin for [from, to) (indices), header excluded: from the tail its
   * manifest kept when it covers them (no file to open), else read from the file.
   */
  const activeBytes = (e: Entry, field: string, from: number, to: number): Buffer => {
    if (to <= from) return Buffer.alloc(0);
    const t = e.baseTail;
    const kept = t?.bytes.get(field);
    if (t && kept && from >= t.from && 4 * (to - t.from) <= kept.length) return kept.subarray(4 * (from - t.from), 4 * (to - t.from));
    return readRange(activePath(e.code, field), off(from, e.binStart), 4 * (to - from));
  };

  /**
   * Writes one field's bin so it holds the current bytes for [binStart, keepTo), then `tail` from
   * keepTo on, ending there: syncing from the active generation whatever the partial file lacks.
   */
  const writeField = (e: Entry, field: string, keepTo: number, tail: readonly Uint8Array[], endLength: number) => {
    const file = partialPath(e.code, field);
    const d = e.disk;
    if (d.kind === 'synced') {
      patchFile(file, off(keepTo, e.binStart), tail, endLength, counters);
      return;
    }
    if (d.kind === 'stale' && d.from > e.binStart) {
      const from = Math.min(d.from, keepTo);
      patchFile(file, off(from, e.binStart), [activeBytes(e, field, from, keepTo), ...tail], endLength, counters);
      return;
    }
    // A new file of this generation's own: a clone of the active one patched in place where the file
    // system clones (the Mac's APFS), else the active prefix read and written with the new bytes.
    if (d.kind === 'absent' && cloneFile(activePath(e.code, field), file, counters)) {
      patchFile(file, off(keepTo, e.binStart), tail, endLength, counters);
      counters.patched--;
      counters.created++;
      return;
    }
    const prefix = readRange(activePath(e.code, field), 0, off(keepTo, e.binStart));
    if (d.kind === 'absent') createFile(file, [prefix, ...tail], counters, true);
    else patchFile(file, 0, [prefix, ...tail], endLength, counters);
  };

  const prepareFolder = (e: Entry) => {
    if (e.disk.kind === 'absent' || e.disk.kind === 'unknown') ensureDir(instDir(dir, e.code), made);
    if (e.disk.kind === 'unknown') dropOtherFiles(e.code, e.fields);
  };

  const putEntry = (inst: GoldInstrument) => {
    const code = inst.code;
    if (!code || code !== code.toLowerCase()) throw new RangeError(`instrument code ${JSON.stringify(code)} must be non-empty lowercase`);
    const spans = checkSpans(code, inst.spans, calendar.length);
    const binStart = spans[0]!.start;
    const length = spans.at(-1)!.end - binStart + 1;
    const fields = [...inst.fields.keys()].sort();
    for (const [f, v] of inst.fields) {
      if (f !== f.toLowerCase() || f.length === 0) throw new RangeError(
        `${code}: field name ${JSON.stringify(f)} must be non-empty lowercase`,
      );
      if (v.length !== length) throw new RangeError(`${code}.${f}: ${v.length} values for a range of ${length} calendar days`);
    }
    const prev = entries.get(code);
    const header = headerBytes(binStart);
    const folder = instDir(dir, code);
    // A folder the recycled directory may still hold for this code is of unknown content.
    const mayExist = doomedDirs.has(featureDirName(code)) || startedFrom === 'leftover';
    const disk: Disk = prev ? prev.disk : mayExist ? { kind: 'unknown' } : { kind: 'absent' };
    doomedDirs.delete(featureDirName(code));
    ensureDir(folder, made);
    if (disk.kind === 'absent') {
      for (const f of fields) createFile(path.join(folder, binName(f)), [header, valueBytes(inst.fields.get(f)!)], counters, true);
    } else {
      if (disk.kind === 'unknown') dropOtherFiles(code, fields);
      else for (const f of prev!.fields) if (!fields.includes(f)) fs.rmSync(path.join(folder, binName(f)), { force: true });
      for (const f of fields) patchFile(
        path.join(folder, binName(f)),
        0,
        [header, valueBytes(inst.fields.get(f)!)],
        4 + 4 * length,
        counters,
      );
    }
    entries.set(code, {
      code,
      key: inst.key ?? prev?.key ?? instrumentName(code),
      spans,
      binStart,
      length,
      fields,
      changedFrom: binStart,
      inBase: prev?.inBase ?? false,
      touched: true,
      disk: { kind: 'synced' },
    });
  };

  const patchEntry = (code: string, from: number, cols: GoldColumns, spans?: readonly GoldSpan[]) => {
    const e = entryOf(code);
    if (!Number.isInteger(from) || from < e.binStart) throw new RangeError(
      `${code}: patch from index ${from} before its bins start (${e.binStart}); use put`,
    );
    const names = [...cols.keys()].sort();
    if (names.join(',') !== e.fields.join(',')) throw new RangeError(
      `${code}: patch fields (${names.join(', ')}) differ from its bins (${e.fields.join(', ')}); use put`,
    );
    let n = -1;
    for (const [f, v] of cols) {
      if (n >= 0 && v.length !== n) throw new RangeError(`${code}.${f}: ${v.length} values where the other fields have ${n}`);
      n = v.length;
    }
    n = Math.max(n, 0);
    const end = e.binStart + e.length; // one past the current last index
    const keepTo = Math.min(from, end);
    const newLength = from - e.binStart + n;
    if (newLength <= 0) throw new RangeError(`${code}: patch would leave no values; use remove`);
    if (from + n > calendar.length) throw new RangeError(`${code}: patch runs to index ${from + n - 1}, past the calendar's end`);
    const newSpans = spans
      ? checkSpans(code, spans, calendar.length)
      : e.spans.map((s, i, all) => (i === all.length - 1 ? { start: s.start, end: e.binStart + newLength - 1 } : s));
    const last = newSpans.at(-1)!;
    if (last.end < last.start) throw new RangeError(`${code}: the new end falls before its last span starts; pass spans`);
    if (newSpans[0]!.start !== e.binStart || last.end !== e.binStart + newLength - 1) {
      throw new RangeError(
        `${code}: spans ${newSpans[0]!.start}..${last.end} do not match its bins ${e.binStart}..${e.binStart + newLength - 1}`,
      );
    }
    prepareFolder(e);
    const gap = nanBytes(from - keepTo);
    // The first change of this instrument in this build: its bytes from keepTo on are exactly gap + values.
    const tail = e.changedFrom === null && (from - keepTo + n) <= MAX_TAIL_VALUES ? new Map<string, Buffer>() : undefined;
    for (const f of e.fields) {
      const values = valueBytes(cols.get(f)!);
      writeField(e, f, keepTo, [gap, values], off(from + n, e.binStart));
      tail?.set(f, Buffer.concat([gap, values]));
    }
    e.tail = tail;
    if (e.fields.length === 0) ensureDir(instDir(dir, code), made);
    e.length = newLength;
    e.spans = newSpans;
    e.changedFrom = Math.min(e.changedFrom ?? Infinity, keepTo);
    e.disk = { kind: 'synced' };
    e.touched = true;
  };

  const currentValues = (e: Entry, field: string, from = e.binStart): Float32Array => {
    const start = Math.min(Math.max(from, e.binStart), e.binStart + e.length);
    const n = e.binStart + e.length - start;
    const file = e.disk.kind === 'synced' ? partialPath(e.code, field) : activePath(e.code, field);
    const bytes = readRange(file, off(start, e.binStart), 4 * n);
    if (bytes.length !== 4 * n) throw new Error(`${file}: shorter than its ${e.length} values`);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n).slice();
  };

  const remapCalendar = (labels: readonly string[]) => {
    // Every current label must survive; map old indices to new ones.
    const map = new Int32Array(calendar.length);
    let j = 0;
    for (let i = 0; i < calendar.length; i++) {
      while (j < labels.length && labels[j]! < calendar[i]!) j++;
      if (labels[j] !== calendar[i]) throw new RangeError(`the new calendar drops ${calendar[i]}; a calendar may only gain labels`);
      map[i] = j++;
    }
    const firstMoved = map.findIndex((v, i) => v !== i);
    const old = [...entries.values()];
    calendar.length = 0;
    calendar.push(...labels);
    if (firstMoved < 0) return;
    for (const e of old) {
      const lastIdx = e.binStart + e.length - 1;
      const moves = map[e.binStart] !== e.binStart || map[lastIdx]! - map[e.binStart]! !== lastIdx - e.binStart;
      const spansMove = e.spans.some((s) => map[s.start] !== s.start || map[s.end] !== s.end);
      if (!moves && !spansMove) continue;
      const start = map[e.binStart]!;
      const len = map[lastIdx]! - start + 1;
      const fields = new Map<string, Float32Array>();
      for (const f of e.fields) {
        const oldValues = currentValues(e, f);
        const next = new Float32Array(len).fill(Number.NaN);
        for (let i = 0; i < oldValues.length; i++) next[map[e.binStart + i]! - start] = oldValues[i]!;
        fields.set(f, next);
      }
      putEntry({ code: e.code, key: e.key, spans: e.spans.map((s) => ({ start: map[s.start]!, end: map[s.end]! })), fields });
    }
  };

  const build: GoldBuild = {
    freq,
    calendar,
    indexOf(label) {
      const i = lowerBound(calendar, label);
      return calendar[i] === label ? i : -1;
    },
    state(code) {
      const e = entries.get(code);
      if (!e) return undefined;
      const spans = e.spans.map((s) => ({ ...s }));
      return { code: e.code, key: e.key, spans, binStart: e.binStart, length: e.length, fields: [...e.fields] };
    },
    codes: () => [...entries.keys()],
    values(code, field, from) {
      const e = entries.get(code);
      return e && e.fields.includes(field) ? currentValues(e, field, from) : null;
    },
    appendCalendar(labels) {
      for (const l of labels) {
        if (calendar.length && l <= calendar.at(-1)!) throw new RangeError(`calendar label ${l} does not come after ${calendar.at(-1)}`);
        calendar.push(l);
      }
    },
    setCalendar(labels) {
      for (let i = 1; i < labels.length; i++) {
        if (labels[i]! <= labels[i - 1]!) throw new RangeError(`calendar labels must ascend: ${labels[i]} after ${labels[i - 1]}`);
      }
      if (calendarFresh && entries.size === 0) {
        calendar.length = 0;
        calendar.push(...labels);
      } else remapCalendar(labels);
      calendarFresh = false;
    },
    put: putEntry,
    patch: patchEntry,
    setSpans(code, spans) {
      const e = entryOf(code);
      const next = checkSpans(code, spans, calendar.length);
      const start = next[0]!.start;
      const end = next.at(-1)!.end;
      const curEnd = e.binStart + e.length - 1;
      if (start !== e.binStart) {
        const fields = new Map<string, Float32Array>();
        for (const f of e.fields) {
          const oldValues = currentValues(e, f);
          const v = new Float32Array(end - start + 1).fill(Number.NaN);
          for (let i = Math.max(start, e.binStart); i <= Math.min(end, curEnd); i++) v[i - start] = oldValues[i - e.binStart]!;
          fields.set(f, v);
        }
        putEntry({ code, key: e.key, spans: next, fields });
      } else if (end !== curEnd) {
        const pad = end > curEnd ? end - curEnd : 0;
        const cols = new Map(e.fields.map((f) => [f, new Float32Array(pad).fill(Number.NaN)] as const));
        patchEntry(code, end > curEnd ? curEnd + 1 : end + 1, cols, next);
      } else e.spans = next;
    },
    remove(code) {
      const e = entryOf(code);
      entries.delete(code);
      if (e.disk.kind !== 'absent') doomedDirs.add(featureDirName(code));
    },
    setMarket(name, lines) {
      if (!MARKET_RE.test(name) || name === 'all') throw new RangeError(`market name ${JSON.stringify(name)} is not allowed`);
      if (lines === null) markets.delete(name);
      else markets.set(name, lines.map((l) => ({ ...l })));
    },
  };

  /** Brings every instrument not touched by an operation up to the active generation's bytes. */
  const syncUntouched = () => {
    for (const e of entries.values()) {
      if (e.disk.kind === 'synced') {
        if (!e.touched) counters.kept += e.fields.length;
        continue;
      }
      const d = e.disk;
      const folder = instDir(dir, e.code);
      const fullLength = 4 + 4 * e.length;
      if (d.kind === 'absent') {
        ensureDir(folder, made);
        for (const f of e.fields) linkFile(activePath(e.code, f), partialPath(e.code, f), counters);
      } else if (d.kind === 'unknown') {
        ensureDir(folder, made);
        dropOtherFiles(e.code, e.fields);
        for (const f of e.fields) {
          const file = partialPath(e.code, f);
          if (sameInode(file, activePath(e.code, f))) counters.kept++;
          else patchFile(file, 0, [readRange(activePath(e.code, f), 0, fullLength)], fullLength, counters);
        }
      } else {
        for (const f of e.fields) {
          const end = e.binStart + e.length;
          if (d.from <= e.binStart) patchFile(
            partialPath(e.code, f),
            0,
            [readRange(activePath(e.code, f), 0, fullLength)],
            fullLength,
            counters,
          );
          else if (d.from < end) patchFile(
            partialPath(e.code, f),
            off(d.from, e.binStart),
            [activeBytes(e, f, d.from, end)],
            fullLength,
            counters,
          );
          else patchFile(partialPath(e.code, f), fullLength, [], fullLength, counters);
        }
      }
      e.disk = { kind: 'synced' };
    }
  };

  const removeDoomed = () => {
    const live = new Set([...entries.values()].map((e) => featureDirName(e.code)));
    const featuresDir = path.join(dir, 'features');
    if (startedFrom === 'leftover') {
      let names: string[] = [];
      try {
        names = fs.readdirSync(featuresDir);
      } catch {
        /* no features folder yet */
      }
      for (const n of names) if (!live.has(n)) doomedDirs.add(n);
    }
    for (const d of doomedDirs) if (!live.has(d)) fs.rmSync(path.join(featuresDir, d), { recursive: true, force: true });
  };

  const writeTextFiles = (ordered: Entry[]) => {
    const calDir = path.join(dir, 'calendars');
    const instDirPath = path.join(dir, 'instruments');
    ensureDir(calDir, made);
    ensureDir(instDirPath, made);
    const calFile = `${freq}.txt`;
    const instFiles = new Set(['all.txt', ...[...markets.keys()].map((m) => `${m}.txt`)]);
    const gone = { recursive: true, force: true };
    for (const n of fs.readdirSync(calDir)) if (n !== calFile) fs.rmSync(path.join(calDir, n), gone);
    for (const n of fs.readdirSync(instDirPath)) if (!instFiles.has(n)) fs.rmSync(path.join(instDirPath, n), gone);
    createFile(path.join(calDir, calFile), [Buffer.from(formatCalendarText(calendar))], counters);
    const lineOf = (e: Entry, s: GoldSpan) => ({ instrument: instrumentName(e.code), start: calendar[s.start]!, end: calendar[s.end]! });
    const lines = ordered.flatMap((e) => e.spans.map((s) => lineOf(e, s)));
    createFile(path.join(instDirPath, 'all.txt'), [Buffer.from(formatInstrumentsText(lines))], counters);
    for (const [name, ml] of markets) {
      for (const l of ml) {
        if (build.indexOf(l.start) < 0 || build.indexOf(l.end) < 0 || l.start > l.end) {
          throw new RangeError(`market ${name}: line ${l.instrument} ${l.start}..${l.end} is not a range of calendar labels`);
        }
      }
      createFile(path.join(instDirPath, `${name}.txt`), [Buffer.from(formatInstrumentsText(ml))], counters);
    }
  };

  /** Tails the manifest keeps, within a total budget so that a manifest stays small. */
  let tailBudget = 16 * 1024 * 1024;
  const keepTail = (e: Entry): Map<string, Buffer> | undefined => {
    if (!e.tail || !e.inBase || options.fresh || e.changedFrom === null) return undefined;
    let size = 0;
    for (const b of e.tail.values()) size += b.length;
    if (size > tailBudget) return undefined;
    tailBudget -= size;
    return e.tail;
  };

  let finished = false;
  const commit = async (): Promise<GoldCommitStats> => {
    if (finished) throw new Error('this gold build is already finished');
    finished = true;
    try {
      const ordered = [...entries.values()].sort((a, b) => compareCodePoints(a.key, b.key));
      const dirs = new Map<string, string>();
      for (const e of ordered) {
        const d = featureDirName(e.code);
        const other = dirs.get(d);
        if (other !== undefined) throw new RangeError(`instruments ${other} and ${e.code} would share the folder features/${d}`);
        dirs.set(d, e.code);
        const last = e.spans.at(-1)!;
        if (e.spans[0]!.start !== e.binStart || last.end !== e.binStart + e.length - 1) {
          throw new RangeError(`${e.code}: spans ${e.spans[0]!.start}..${last.end} do not match its bins`);
        }
        if (last.end >= calendar.length) throw new RangeError(`${e.code}: span ends past the calendar's end`);
      }
      syncUntouched();
      removeDoomed();
      if (ordered.length) ensureDir(path.join(dir, 'features'), made);
      writeTextFiles(ordered);
      const manifest: GoldManifest = {
        generation,
        parent: active?.generation ?? null,
        freq,
        calendarLength: calendar.length,
        calendarLast: calendar.at(-1) ?? null,
        markets: [...markets.keys()].sort(),
        createdAt: new Date().toISOString(),
        instruments: ordered.map((e) => ({
          code: e.code,
          key: e.key,
          spans: e.spans,
          binStart: e.binStart,
          length: e.length,
          fields: e.fields,
          changedFrom: e.inBase && !options.fresh ? e.changedFrom : e.binStart,
          tail: keepTail(e),
        })),
      };
      if (options.durable) {
        const dirs = new Set([...made, dir, ...counters.touched.map((f) => path.dirname(f))]);
        await fsyncAll([...counters.touched, ...dirs]);
      }
      await writeGoldManifest(manifestPath(layout, generation), manifest);
      const finalDir = generationDir(layout, generation);
      fs.renameSync(dir, finalDir);
      switchTo(layout, generation);
      if (options.durable) await fsyncAll([layout.store, path.dirname(layout.target)]);
      // Keep the new generation and the one before it (readers that opened it, and the next standby).
      for (const g of storedGenerations(layout)) {
        if (g.generation !== generation && (g.generation !== active?.generation || g.partial)) removeGeneration(layout, g);
      }
      return {
        generation,
        parent: manifest.parent,
        startedFrom,
        calendarLength: calendar.length,
        instruments: ordered.length,
        filesCreated: counters.created,
        filesPatched: counters.patched,
        filesLinked: counters.linked,
        filesKept: counters.kept,
        bytesWritten: counters.bytes,
        elapsedMs: performance.now() - started,
      };
    } finally {
      unlock();
    }
  };

  return {
    build,
    commit,
    abort: () => {
      if (!finished) {
        finished = true;
        unlock();
      }
    },
  };
}

/** Where a base instrument's files stand in the chosen directory before any operation. */
function initialDisk(startedFrom: GoldCommitStats['startedFrom'], base: ManifestInstrument, standby: ManifestInstrument | undefined): Disk {
  if (startedFrom === 'empty') return { kind: 'absent' };
  if (startedFrom === 'leftover') return { kind: 'unknown' };
  if (!standby) return { kind: 'absent' };
  const sameShape = standby.binStart === base.binStart && standby.fields.join(',') === base.fields.join(',');
  if (!sameShape) return { kind: 'unknown' };
  if (base.changedFrom === null) return standby.length === base.length ? { kind: 'synced' } : { kind: 'unknown' };
  return { kind: 'stale', from: base.changedFrom };
}

function readCalendarLabels(dir: string, m: GoldManifest): string[] {
  const text = fs.readFileSync(path.join(dir, 'calendars', `${m.freq}.txt`), 'utf8');
  const labels = text.length ? text.slice(0, -1).split('\n') : [];
  if (labels.length !== m.calendarLength || (labels.at(-1) ?? null) !== m.calendarLast) {
    throw new GoldStoreError(`${dir}: the calendar does not match the generation's manifest`);
  }
  return labels;
}

function readMarket(dir: string, name: string): GoldMarketLine[] {
  const text = fs.readFileSync(path.join(dir, 'instruments', `${name}.txt`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [instrument = '', start = '', end = ''] = l.split('\t');
      return { instrument, start, end };
    });
}
