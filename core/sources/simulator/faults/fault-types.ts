import type { FlatFileDatasetId } from '../../../datasets/index.ts';
import type { IsoDate } from '../simulator-types.ts';

/** Faults that change what one flat file looks like (for one dataset, or all four when `dataset` is absent). */
export type FileFaultKind = 'unpublished' | 'truncated' | 'replaced' | 'baddata';

/** Faults that answer the next N requests of one protocol with an error. */
export type CountFaultKind = 'slowdown' | 's3-503' | 's3-500' | 's3-reset' | 'rest-5xx' | 'rest-429';

/** A fault on one date's file(s). */
export interface FileFault {
  kind: FileFaultKind;
  date: IsoDate;
  dataset?: FlatFileDatasetId;
}

/** A fault that fires on the next `count` requests, then disappears. */
export interface CountFault {
  kind: CountFaultKind;
  count: number;
}

/** One switchable fault; `unpublished` without a date only documents that publication gating is on. */
export type Fault = FileFault | CountFault | { kind: 'unpublished' };

/** True for faults bound to a date's files. */
export function isFileFault(f: Fault): f is FileFault {
  return 'date' in f;
}

/** True for faults that count down over requests. */
export function isCountFault(f: Fault): f is CountFault {
  return 'count' in f;
}
