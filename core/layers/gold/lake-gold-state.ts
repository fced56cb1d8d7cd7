/**
 * What the lake's gold keeps beside its generations so a daily update reads only the new days of
 * silver: per instrument the facts a full derivation would get from its whole history (the Yahoo
 * anchor c0, its spans, the delistings and type the universe reported, the ticker of its last bar),
 * per stored day the sums behind the day digests, and each liquidity market's running state.
 *
 * The file (`.<name>.gold/lake-state.json`) names the generation it describes; it is written after
 * that generation's switch, so a crash between the two leaves a state naming an older generation,
 * which the next build ignores (it then derives everything from silver once and writes a new one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { goldLayout } from './gold-store.ts';
import type { GoldSpan } from './gold-types.ts';
import type { LiquidTrackerState } from './universe-markets.ts';

/** One instrument id silver or its universe has named. */
export interface LakeGoldInstrumentState {
  id: string;
  /** Its code in gold; null while it has no valid bar (then it is not in gold). */
  code: string | null;
  /** Ticker of its last bar ('' when it has no bar, only universe rows). */
  ticker: string;
  /** Adjusted close of its first valid bar (null: none yet). */
  c0: number | null;
  /** Spans over its bars (empty without a bar). */
  spans: GoldSpan[];
  /** Delisting dates reported, sorted; latest reported type ('' when none). */
  delistings: string[];
  type: string;
}

/** The whole state, tied to one generation. */
export interface LakeGoldState {
  version: 1;
  generation: number;
  calendar: { first: string; length: number; last: string };
  /** The market specs the markets were built with (JSON), so a change of them rebuilds. */
  marketsKey: string;
  instruments: LakeGoldInstrumentState[];
  /** Per stored day, the sums behind its gold digest (see dayDigests in lake-gold-build.ts). */
  sums: { h1: number[]; h2: number[]; rows: number[] };
  markets: Record<string, LiquidTrackerState>;
}

/** Where the state of a gold directory lives. */
export function lakeGoldStatePath(target: string): string {
  return path.join(goldLayout(target).store, 'lake-state.json');
}

/** Reads the state; null when absent, unreadable or not of this version (the caller then derives everything). */
export function readLakeGoldState(target: string): LakeGoldState | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(lakeGoldStatePath(target), 'utf8'));
  } catch {
    return null;
  }
  // Written only by writeLakeGoldState; a version or shape it does not know is ignored, never trusted.
  if (!parsed || typeof parsed !== 'object') return null;
  const s = parsed as Partial<LakeGoldState>;
  const ok = s.version === 1 && Number.isInteger(s.generation) && Array.isArray(s.instruments) &&
    s.calendar !== undefined && s.sums !== undefined && s.sums.h1.length === s.calendar.length &&
    typeof s.markets === 'object' && typeof s.marketsKey === 'string';
  return ok ? (s as LakeGoldState) : null;
}

/** Writes the state atomically. */
export async function writeLakeGoldState(target: string, state: LakeGoldState): Promise<void> {
  await writeFileAtomic(lakeGoldStatePath(target), `${JSON.stringify(state)}\n`);
}
