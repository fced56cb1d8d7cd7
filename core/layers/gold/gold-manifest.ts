/**
 * The manifest written beside each gold generation (`.<name>.gold/g<N>.json`, never inside the Qlib
 * directory, so that directory holds exactly what Qlib's dump_all would write). It records the
 * state the generation holds and, per instrument, the first calendar index whose values differ from
 * the parent generation: what a later update needs to bring the recycled parent up to date without
 * reading every file.
 */
import fs from 'node:fs';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import type { GoldInstrumentState } from './gold-types.ts';

// Checked by hand rather than with zod: an update reads two manifests of thousands of instruments in
// a fresh process, where zod's first parses cost 150-250 ms against about 5 ms for this.
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

interface RawInstrument {
  code: string;
  key: string;
  spans: Array<[number, number]>;
  binStart: number;
  length: number;
  fields: string[];
  changedFrom: number | null;
  tail?: Record<string, string>;
}

function validInstrument(v: unknown): v is RawInstrument {
  if (!v || typeof v !== 'object') return false;
  const i = v as Record<string, unknown>;
  return (
    isStr(i.code) &&
    isStr(i.key) &&
    Array.isArray(i.spans) &&
    i.spans.length > 0 &&
    i.spans.every((sp) => Array.isArray(sp) && sp.length === 2 && isInt(sp[0]) && isInt(sp[1])) &&
    isInt(i.binStart) &&
    isInt(i.length) &&
    Array.isArray(i.fields) &&
    i.fields.every(isStr) &&
    (i.changedFrom === null || isInt(i.changedFrom)) &&
    (i.tail === undefined || (typeof i.tail === 'object' && i.tail !== null && Object.values(i.tail).every(isStr)))
  );
}

function validManifest(v: unknown): v is Omit<GoldManifest, 'instruments'> & { instruments: unknown[] } {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return (
    m.format === 'quantmini-qlib-gold' &&
    m.version === 1 &&
    isInt(m.generation) &&
    (m.parent === null || isInt(m.parent)) &&
    isStr(m.freq) &&
    isInt(m.calendarLength) &&
    (m.calendarLast === null || isStr(m.calendarLast)) &&
    Array.isArray(m.markets) &&
    m.markets.every(isStr) &&
    isStr(m.createdAt) &&
    Array.isArray(m.instruments)
  );
}

/** A manifest instrument: its state plus what changed since the parent generation. */
export interface ManifestInstrument extends GoldInstrumentState {
  changedFrom: number | null;
  /** Per field, the bin's bytes from changedFrom to its end (kept for small changes such as a daily append). */
  tail?: ReadonlyMap<string, Buffer>;
}

/** The parsed manifest of one generation. */
export interface GoldManifest {
  generation: number;
  parent: number | null;
  freq: string;
  calendarLength: number;
  calendarLast: string | null;
  markets: string[];
  createdAt: string;
  instruments: ManifestInstrument[];
}

/**
 * Reads a manifest; null when the file is absent or not a valid manifest (the generation is then
 * treated as unknown). `tails: false` leaves the kept bytes out (a recycled standby's are never
 * read, and decoding some ten thousand of them is a measurable part of a one-day update).
 */
export function readGoldManifest(file: string, opts: { tails?: boolean } = {}): GoldManifest | null {
  const withTails = opts.tails ?? true;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!validManifest(parsed) || !parsed.instruments.every(validInstrument)) return null;
  return {
    generation: parsed.generation,
    parent: parsed.parent,
    freq: parsed.freq,
    calendarLength: parsed.calendarLength,
    calendarLast: parsed.calendarLast,
    markets: parsed.markets,
    createdAt: parsed.createdAt,
    instruments: (parsed.instruments as RawInstrument[]).map((i) => ({
      code: i.code,
      key: i.key,
      spans: i.spans.map(([start, end]) => ({ start, end })),
      binStart: i.binStart,
      length: i.length,
      fields: i.fields,
      changedFrom: i.changedFrom,
      tail: i.tail && withTails ? new Map(Object.entries(i.tail).map(([f, b64]) => [f, Buffer.from(b64, 'base64')] as const)) : undefined,
    })),
  };
}

/** Writes a manifest atomically. */
export async function writeGoldManifest(file: string, m: GoldManifest): Promise<void> {
  const body = {
    format: 'quantmini-qlib-gold',
    version: 1,
    generation: m.generation,
    parent: m.parent,
    freq: m.freq,
    calendarLength: m.calendarLength,
    calendarLast: m.calendarLast,
    markets: m.markets,
    createdAt: m.createdAt,
    instruments: m.instruments.map((i) => ({
      code: i.code,
      key: i.key,
      spans: i.spans.map((s) => [s.start, s.end]),
      binStart: i.binStart,
      length: i.length,
      fields: i.fields,
      changedFrom: i.changedFrom,
      ...(i.tail ? { tail: Object.fromEntries([...i.tail].map(([f, b]) => [f, b.toString('base64')])) } : {}),
    })),
  };
  await writeFileAtomic(file, `${JSON.stringify(body)}\n`);
}
