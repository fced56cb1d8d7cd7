import type { FlatFileDatasetId } from '../../../datasets/index.ts';
import type { IsoDate } from '../simulator-types.ts';
import {
  isCorrectionFault, isCountFault, isFileFault, type CorrectionFault, type CountFaultKind, type Fault, type FileFault,
} from './fault-types.ts';

/** How the faults in force change one file. */
export interface FileFaultEffects {
  unpublished: boolean;
  truncated: boolean;
  baddata: boolean;
  /** When version 2 of the file was published, or null while version 1 is served. */
  replacedAt: Date | null;
}

/** The live fault set of a running simulator; counters go down as requests consume them. */
export interface FaultState {
  /** Replaces every fault; counters restart from the given counts. */
  set(faults: readonly Fault[]): void;
  /** Faults still in force (count faults with their remaining count). */
  list(): Fault[];
  /** Consumes one S3 request-level fault (SlowDown, 503, 500), if any remains. */
  takeS3Error(): 'slowdown' | 's3-503' | 's3-500' | null;
  /** Consumes one body reset, if any remains. */
  takeS3Reset(): boolean;
  /** Consumes one REST fault, if any remains. */
  takeRestError(): 'rest-5xx' | 'rest-429' | null;
  /** How many REST 5xx answers have been given, so statuses rotate 502, 503, 500. */
  rest5xxServed(): number;
  /** REST corrections in force, each with the instant it took effect. */
  corrections(): Array<CorrectionFault & { since: Date }>;
  /** Effects on one dataset's file of a date. */
  fileEffects(dataset: FlatFileDatasetId, date: IsoDate): FileFaultEffects;
  /** Increments on every set(), so caches keyed on fault effects can tell versions apart. */
  version(): number;
}

/** Identity of a file fault, so re-setting the same `replaced@D` keeps its publication instant. */
function fileFaultId(f: FileFault): string {
  return `${f.kind}@${f.date}/${f.dataset ?? '*'}`;
}

/** Identity of a correction, so re-setting it keeps the instant it took effect. */
function correctionId(f: CorrectionFault): string {
  return `${f.kind}@${f.date}/${f.ticker ?? '*'}`;
}

/** Creates the fault state; `now` stamps when a `replaced` fault or a correction first took effect. */
export function createFaultState(initial: readonly Fault[], now: () => Date): FaultState {
  let counts: Array<{ kind: CountFaultKind; left: number }> = [];
  let files: FileFault[] = [];
  let replacedSince = new Map<string, Date>();
  let corrections: Array<CorrectionFault & { since: Date }> = [];
  let version = 0;
  let served5xx = 0;

  const take = (kinds: readonly CountFaultKind[]): CountFaultKind | null => {
    const c = counts.find((x) => x.left > 0 && kinds.includes(x.kind));
    if (!c) return null;
    c.left--;
    return c.kind;
  };

  const state: FaultState = {
    set(faults) {
      counts = faults.filter(isCountFault).map((f) => ({ kind: f.kind, left: f.count }));
      files = faults.filter(isFileFault).map((f) => ({ ...f }));
      const next = new Map<string, Date>();
      for (const f of files) {
        if (f.kind !== 'replaced') continue;
        const id = fileFaultId(f);
        next.set(id, replacedSince.get(id) ?? now());
      }
      replacedSince = next;
      const before = new Map(corrections.map((c) => [correctionId(c), c.since]));
      corrections = faults.filter(isCorrectionFault).map((f) => ({ ...f, since: before.get(correctionId(f)) ?? now() }));
      version++;
    },
    list() {
      return [
        ...files.map((f) => ({ ...f })),
        ...corrections.map(({ since: _since, ...f }) => f),
        ...counts.filter((c) => c.left > 0).map((c) => ({ kind: c.kind, count: c.left })),
      ];
    },
    takeS3Error: () => take(['slowdown', 's3-503', 's3-500']) as 'slowdown' | 's3-503' | 's3-500' | null,
    takeS3Reset: () => take(['s3-reset']) !== null,
    takeRestError() {
      const kind = take(['rest-5xx', 'rest-429']) as 'rest-5xx' | 'rest-429' | null;
      if (kind === 'rest-5xx') served5xx++;
      return kind;
    },
    rest5xxServed: () => served5xx,
    corrections: () => corrections.map((c) => ({ ...c })),
    fileEffects(dataset, date) {
      const effects: FileFaultEffects = { unpublished: false, truncated: false, baddata: false, replacedAt: null };
      for (const f of files) {
        if (f.date !== date || (f.dataset !== undefined && f.dataset !== dataset)) continue;
        if (f.kind === 'replaced') {
          const since = replacedSince.get(fileFaultId(f));
          if (since && (!effects.replacedAt || since < effects.replacedAt)) effects.replacedAt = since;
        } else effects[f.kind] = true;
      }
      return effects;
    },
    version: () => version,
  };
  state.set(initial);
  return state;
}
