/**
 * The manifest written beside each gold generation (`.<name>.gold/g<N>.json`, never inside the Qlib
 * directory, so that directory holds exactly what Qlib's dump_all would write). It records the
 * state the generation holds and, per instrument, the first calendar index whose values differ from
 * the parent generation: what a later update needs to bring the recycled parent up to date without
 * reading every file.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../../lake/atomic-write.ts';
import type { GoldInstrumentState } from './gold-types.ts';

const span = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

const instrumentSchema = z
  .object({
    code: z.string(),
    key: z.string(),
    spans: z.array(span).min(1),
    binStart: z.number().int().nonnegative(),
    length: z.number().int().nonnegative(),
    fields: z.array(z.string()),
    /** First index differing from the parent generation; null when identical to it. */
    changedFrom: z.number().int().nonnegative().nullable(),
    /** The bytes of each bin from changedFrom to the end (base64), when small: the next update's copy source. */
    tail: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const manifestSchema = z
  .object({
    format: z.literal('quantmini-qlib-gold'),
    version: z.literal(1),
    generation: z.number().int().positive(),
    parent: z.number().int().positive().nullable(),
    freq: z.string().min(1),
    calendarLength: z.number().int().nonnegative(),
    calendarLast: z.string().nullable(),
    markets: z.array(z.string()),
    createdAt: z.string(),
    instruments: z.array(instrumentSchema),
  })
  .strict();

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

/** Reads a manifest; null when the file is absent or not a valid manifest (the generation is then treated as unknown). */
export function readGoldManifest(file: string): GoldManifest | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
  return {
    generation: parsed.generation,
    parent: parsed.parent,
    freq: parsed.freq,
    calendarLength: parsed.calendarLength,
    calendarLast: parsed.calendarLast,
    markets: parsed.markets,
    createdAt: parsed.createdAt,
    instruments: parsed.instruments.map((i) => ({
      code: i.code,
      key: i.key,
      spans: i.spans.map(([start, end]) => ({ start, end })),
      binStart: i.binStart,
      length: i.length,
      fields: i.fields,
      changedFrom: i.changedFrom,
      tail: i.tail ? new Map(Object.entries(i.tail).map(([f, b64]) => [f, Buffer.from(b64, 'base64')] as const)) : undefined,
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
