/**
 * Jobs that cover several partitions. A job is one process, and starting one costs about a second
 * (more on a loaded machine), so small daily files are downloaded and ingested in runs of
 * consecutive dates; big minute files stay one per job, so a retry repeats little work.
 */
import type { DatasetEntry } from '../datasets/index.ts';
import type { WorkerResult } from '../process/job-protocol.ts';
import type { ProgressSink } from '../progress/job-progress.ts';
import { PRODUCES_INPUT, type JobOutcome } from '../vocabulary/job-states.ts';

/** At most this many dates per job. */
const MAX_DATES = 20;
/** Typical bytes of one job's files together, at most (a retry repeats at most this much). */
const MAX_GROUP_BYTES = 256 * 1024 * 1024;

/** Splits ascending dates into jobs of consecutive dates, as many as the dataset's typical file size allows. */
export function groupDatesBySize(dataset: DatasetEntry, dates: readonly string[]): string[][] {
  const typical = dataset.flatFile?.typicalBytes ?? MAX_GROUP_BYTES;
  const size = Math.max(1, Math.min(MAX_DATES, Math.floor(MAX_GROUP_BYTES / Math.max(1, typical))));
  const out: string[][] = [];
  for (let i = 0; i < dates.length; i += size) out.push(dates.slice(i, i + size));
  return out;
}

/** Outcomes a group can end with when nothing failed and nothing was produced, most telling first. */
const NOTHING_PRODUCED: readonly JobOutcome[] = ['not_entitled', 'pending', 'missing', 'skipped', 'cancelled'];

/**
 * One result for a job over several dates. A failure of any date fails the job (naming each
 * failed date); otherwise, if any date produced its partition, the job did (degraded when one
 * was), so its dependents run and find what exists. Each date's own state is in its partition record.
 */
export function combineResults(results: ReadonlyArray<{ date: string; result: WorkerResult }>): WorkerResult {
  if (results.length === 1) return results[0]!.result;
  const sum = (k: 'bytes' | 'rows' | 'rejects') => results.reduce((a, r) => a + (r.result[k] ?? 0), 0);
  const totals = { bytes: sum('bytes'), rows: sum('rows'), rejects: sum('rejects') };
  const failed = results.filter((r) => r.result.outcome === 'failed');
  if (failed.length > 0) {
    const stopping = failed.find((r) => r.result.errorKind);
    const error = failed.map((r) => `${r.date}: ${r.result.error ?? 'failed'}`).join('; ');
    return { outcome: 'failed', ...totals, error, ...(stopping?.result.errorKind ? { errorKind: stopping.result.errorKind } : {}) };
  }
  const outcomes = new Set(results.map((r) => r.result.outcome));
  const produced = results.filter((r) => PRODUCES_INPUT.has(r.result.outcome));
  if (produced.length > 0) {
    const outcome: JobOutcome = outcomes.has('degraded') ? 'degraded' : produced.every((r) => r.result.outcome === 'skipped') ? 'skipped' : 'complete';
    const notes = results.filter((r) => !PRODUCES_INPUT.has(r.result.outcome)).map((r) => `${r.date}: ${r.result.outcome}`);
    return { outcome, ...totals, ...(notes.length ? { error: notes.join('; ') } : {}) };
  }
  const outcome = NOTHING_PRODUCED.find((o) => outcomes.has(o)) ?? results[0]!.result.outcome;
  const error = results.map((r) => r.result.error).find((e) => e);
  return { outcome, ...totals, ...(error ? { error } : {}) };
}

/**
 * Runs `one` for each date in order and combines the results. A run-stopping error (disk full,
 * credentials) ends the loop at once; progress bytes add up across the dates.
 */
export async function runDates(
  dates: readonly string[],
  onProgress: ProgressSink,
  signal: AbortSignal,
  one: (date: string, onProgress: ProgressSink) => Promise<WorkerResult>,
): Promise<WorkerResult> {
  const results: Array<{ date: string; result: WorkerResult }> = [];
  let doneBytes = 0;
  for (const date of dates) {
    if (signal.aborted) break;
    const sink: ProgressSink = (p) =>
      onProgress({
        ...p,
        ...(p.bytesDone !== undefined ? { bytesDone: doneBytes + p.bytesDone } : {}),
        ...(p.bytesTotal !== undefined ? { bytesTotal: doneBytes + p.bytesTotal } : {}),
        ...(dates.length > 1 ? { message: `${date} (${results.length + 1} of ${dates.length})${p.message ? `: ${p.message}` : ''}` } : {}),
      });
    const result = await one(date, sink);
    results.push({ date, result });
    doneBytes += result.bytes ?? 0;
    if (result.outcome === 'failed' && result.errorKind) break;
    if (result.outcome === 'cancelled') break;
  }
  if (signal.aborted && results.length < dates.length) return { outcome: 'cancelled', bytes: doneBytes };
  return combineResults(results);
}
