/** Shapes the gold writer takes and keeps (see README.md in this folder). */

/** One line of instruments/<market>.txt as calendar indices, both inclusive. */
export interface GoldSpan {
  start: number;
  end: number;
}

/**
 * Field values of one instrument, one per calendar index over the range a call covers. A
 * Float32Array is written byte for byte (its NaN bits kept); other arrays are rounded to float32.
 */
export type GoldColumns = ReadonlyMap<string, ArrayLike<number>>;

/** An instrument as the writer receives it: everything needed to write its bins and its all.txt lines. */
export interface GoldInstrument {
  /** Qlib code (lowercase, e.g. `aapl`): folder featureDirName(code), name in all.txt instrumentName(code). */
  code: string;
  /** Sort key of its lines in all.txt (default: the instrument name; the CSV path passes the file name, as dump_all sorts files). */
  key?: string;
  /** Its spans (an instrument delisted and relisted has two), ascending and not overlapping. */
  spans: readonly GoldSpan[];
  /** Values per field (lowercase names) over [spans[0].start, spans.at(-1).end]: one per calendar index. */
  fields: GoldColumns;
}

/** What the writer knows about a written instrument (kept in the generation's manifest). */
export interface GoldInstrumentState {
  code: string;
  key: string;
  spans: GoldSpan[];
  /** Calendar index of the first value of every bin of this instrument (the bins' start index). */
  binStart: number;
  /** Values per bin (all of an instrument's bins have the same length). */
  length: number;
  /** Field names, lowercase, sorted. */
  fields: string[];
}

/** A line of a market file (instruments/<market>.txt) with calendar labels, as Qlib stores it. */
export interface GoldMarketLine {
  instrument: string;
  start: string;
  end: string;
}

/** How much a commit wrote: the figures benches and logs report. */
export interface GoldCommitStats {
  generation: number;
  /** The generation this one was built from (null for a build from nothing). */
  parent: number | null;
  /** Where the new generation's files started: a recycled standby, a leftover of unknown state, or empty. */
  startedFrom: 'standby' | 'leftover' | 'empty';
  calendarLength: number;
  instruments: number;
  /** Bin files created as new files. */
  filesCreated: number;
  /** Bin files brought up to date in place (only in a generation no reader is pointed at). */
  filesPatched: number;
  /** Bin files hard-linked from the active generation because they did not change. */
  filesLinked: number;
  /** Bin files left as they were because the recycled generation already held the right bytes. */
  filesKept: number;
  bytesWritten: number;
  elapsedMs: number;
}
