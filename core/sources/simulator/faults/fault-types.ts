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

/** Faults that change a REST record upstream after the fact (a correction the next fetch must pick up). */
export type CorrectionFaultKind = 'dividend-corrected';

/**
 * `dividend-corrected@DATE[/TICKER]`: from the instant the fault is set (on the simulator's clock),
 * the dividend with that ex-date (of TICKER, or the first by ticker) is served with its cash_amount
 * one cent higher; fetches before that instant saw the original.
 */
export interface CorrectionFault {
  kind: CorrectionFaultKind;
  date: IsoDate;
  ticker?: string;
}

/** One switchable fault; `unpublished` without a date only documents that publication gating is on. */
export type Fault = FileFault | CountFault | CorrectionFault | { kind: 'unpublished' };

const FILE_FAULT_KINDS: readonly string[] = ['unpublished', 'truncated', 'replaced', 'baddata'];

/** True for faults bound to a date's files. */
export function isFileFault(f: Fault): f is FileFault {
  return 'date' in f && FILE_FAULT_KINDS.includes(f.kind);
}

/** True for faults that correct a REST record. */
export function isCorrectionFault(f: Fault): f is CorrectionFault {
  return f.kind === 'dividend-corrected';
}

/** True for faults that count down over requests. */
export function isCountFault(f: Fault): f is CountFault {
  return 'count' in f;
}
