/**
 * The gold writer's two entry points. `writeGold` builds a whole Qlib directory from a calendar and a
 * stream of instruments (one instrument's fields in memory at a time); `updateGold` opens the
 * current generation for changes (append days, rewrite an instrument, list or delist one) and
 * commits a new generation that holds exactly what a full rebuild of the same state would write.
 * Either way readers see the old generation until one rename makes the new one current.
 */
import { openGoldBuild, type GoldBuild, type GoldBuildOptions } from './gold-build.ts';
import type { GoldCommitStats, GoldInstrument, GoldMarketLine } from './gold-types.ts';

/** What a full build writes. */
export interface GoldWriteInput {
  /** Frequency: `day` (calendar lines %Y-%m-%d) or another Qlib freq such as `1min` (%Y-%m-%d %H:%M:%S). */
  freq: string;
  /** Calendar labels in order; the index of a label is the calendar index spans and bins use. */
  calendar: readonly string[];
  /** The instruments, each with its spans and fields; consumed one at a time. */
  instruments: Iterable<GoldInstrument> | AsyncIterable<GoldInstrument>;
  /** Extra market files (instruments/<name>.txt) besides all.txt. */
  markets?: ReadonlyMap<string, readonly GoldMarketLine[]>;
}

/** Options of writeGold/updateGold. */
export interface GoldWriteOptions {
  /** fsync every written file before the switch (power-loss safe); off by default, like Qlib's dump_bin. */
  durable?: boolean;
}

/** Writes a complete Qlib directory at `target` (replacing what is there) and makes it current. */
export async function writeGold(target: string, input: GoldWriteInput, options: GoldWriteOptions = {}): Promise<GoldCommitStats> {
  return withBuild(target, { freq: input.freq, fresh: true, durable: options.durable }, async (b) => {
    b.setCalendar(input.calendar);
    for await (const inst of input.instruments) b.put(inst);
    for (const [name, lines] of input.markets ?? []) b.setMarket(name, lines);
  });
}

/**
 * Opens the current generation at `target` for changes and commits them as a new generation.
 * When `target` holds nothing yet the build starts empty. `freq` must match what the directory holds.
 */
export async function updateGold(
  target: string,
  freq: string,
  apply: (build: GoldBuild) => void | Promise<void>,
  options: GoldWriteOptions = {},
): Promise<GoldCommitStats> {
  return withBuild(target, { freq, durable: options.durable }, apply);
}

async function withBuild(
  target: string,
  options: GoldBuildOptions,
  apply: (build: GoldBuild) => void | Promise<void>,
): Promise<GoldCommitStats> {
  const open = openGoldBuild(target, options);
  try {
    await apply(open.build);
  } catch (err) {
    open.abort();
    throw err;
  }
  return open.commit();
}
