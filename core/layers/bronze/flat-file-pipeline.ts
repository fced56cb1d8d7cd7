import { etDateOf, tradingDays } from '../../calendar/index.ts';
import { flatFileDataset, type FlatFileDatasetId } from '../../datasets/index.ts';
import { computeCoverage } from '../../lake/coverage.ts';
import type { Logger } from '../../log/logger.ts';
import type { JobProgress } from '../../progress/job-progress.ts';
import { downloadDay, type DownloadDayResult } from '../../sources/polygon/flat-file-downloader.ts';
import type { S3Access } from '../../sources/polygon/flat-file-source.ts';
import type { RetryPolicy } from '../../sources/polygon/retry-policy.ts';
import { createLimiter } from '../../async/concurrency-limiter.ts';
import { ingestDay, type IngestDayResult } from './flat-file-ingestor.ts';

/** What a multi-day run does: fetch into landing, build bronze from landing, or both for what is not complete. */
export type FlatFileRunMode = 'download' | 'ingest' | 'backfill';

/** One step of one day. */
export interface FlatFileStep {
  /** Stable id, "dataset|date|step". */
  id: string;
  dataset: FlatFileDatasetId;
  date: string;
  step: 'download' | 'ingest';
}

/** Callbacks a display (CLI bars, a supervisor) hooks into. */
export interface FlatFileRunObserver {
  planned?(days: Array<{ dataset: FlatFileDatasetId; date: string }>): void;
  stepStarted?(step: FlatFileStep): void;
  stepProgress?(step: FlatFileStep, progress: JobProgress): void;
  stepFinished?(step: FlatFileStep, result: DownloadDayResult | IngestDayResult): void;
}

/** Options of a multi-day run. */
export interface FlatFileRunOptions {
  mode: FlatFileRunMode;
  lakeRoot: string;
  datasets: FlatFileDatasetId[];
  from: string;
  to: string;
  /** Needed for download and backfill. */
  access?: S3Access;
  retry: RetryPolicy;
  duckdb: { threads: number; memoryLimit: string };
  concurrency: { downloads: number; ingests: number };
  /** Start of the source's history (demo: the simulator's first date). */
  historyStart?: string;
  now?: () => Date;
  signal?: AbortSignal;
  logger?: Logger;
  observer?: FlatFileRunObserver;
}

/** The outcome of one day. */
export interface FlatFileDayOutcome {
  dataset: FlatFileDatasetId;
  date: string;
  download?: DownloadDayResult;
  ingest?: IngestDayResult;
}

/** The outcome of a run, day by day, with totals. */
export interface FlatFileRunSummary {
  mode: FlatFileRunMode;
  from: string;
  to: string;
  days: FlatFileDayOutcome[];
  downloads: Record<string, number>;
  ingests: Record<string, number>;
  bytesDownloaded: number;
  rowsWritten: number;
  rejects: number;
  failures: Array<{ dataset: string; date: string; step: string; state: string; error: string }>;
  elapsedMs: number;
}

/** The trading days of a range a dataset can have files for (history start, and not after today in New York). */
export function candidateDays(dataset: FlatFileDatasetId, from: string, to: string, opts: { historyStart?: string; now?: Date } = {}): string[] {
  const first = [flatFileDataset(dataset).firstDate, opts.historyStart ?? ''].reduce((a, b) => (b > a ? b : a));
  const today = etDateOf(opts.now ?? new Date());
  const start = from > first ? from : first;
  const end = to < today ? to : today;
  return start > end ? [] : tradingDays(start, end);
}

/** The days a run will touch: every candidate day, or for backfill only those whose bronze is not complete. */
export async function planFlatFileRun(opts: Pick<FlatFileRunOptions, 'mode' | 'lakeRoot' | 'datasets' | 'from' | 'to' | 'historyStart' | 'now'>): Promise<Array<{ dataset: FlatFileDatasetId; date: string }>> {
  const now = opts.now?.() ?? new Date();
  const days: Array<{ dataset: FlatFileDatasetId; date: string }> = [];
  for (const dataset of opts.datasets) {
    const candidates = candidateDays(dataset, opts.from, opts.to, { historyStart: opts.historyStart, now });
    if (opts.mode !== 'backfill' || candidates.length === 0) {
      for (const date of candidates) days.push({ dataset, date });
      continue;
    }
    const [cov] = await computeCoverage({ lakeRoot: opts.lakeRoot, datasets: [dataset], layer: 'bronze', from: candidates[0]!, to: candidates.at(-1)!, now, historyStart: opts.historyStart });
    const state = new Map(cov!.cells.map((c) => [c.date, c.state]));
    for (const date of candidates) if (state.get(date) !== 'complete') days.push({ dataset, date });
  }
  return days;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Runs download, ingest or backfill over datasets and a date range with bounded concurrency
 * (downloads and ingests have separate limits; a day's ingest starts as soon as its download
 * lands). Per-day work goes through downloadDay / ingestDay, so the result is the same as the
 * supervisor running them one process per job.
 */
export async function runFlatFiles(opts: FlatFileRunOptions): Promise<FlatFileRunSummary> {
  const started = performance.now();
  if ((opts.mode === 'download' || opts.mode === 'backfill') && !opts.access) throw new Error(`${opts.mode} needs an S3 source`);
  const days = await planFlatFileRun(opts);
  opts.observer?.planned?.(days);
  const downloadSlot = createLimiter(opts.concurrency.downloads);
  const ingestSlot = createLimiter(opts.concurrency.ingests);
  const summary: FlatFileRunSummary = {
    mode: opts.mode, from: opts.from, to: opts.to, days: [], downloads: {}, ingests: {},
    bytesDownloaded: 0, rowsWritten: 0, rejects: 0, failures: [], elapsedMs: 0,
  };
  const step = (dataset: FlatFileDatasetId, date: string, kind: 'download' | 'ingest'): FlatFileStep => ({ id: `${dataset}|${date}|${kind}`, dataset, date, step: kind });

  const doDay = async ({ dataset, date }: { dataset: FlatFileDatasetId; date: string }): Promise<FlatFileDayOutcome> => {
    const outcome: FlatFileDayOutcome = { dataset, date };
    if (opts.mode !== 'ingest') {
      const s = step(dataset, date, 'download');
      const res = await downloadSlot(async () => {
        opts.observer?.stepStarted?.(s);
        return downloadDay({
          lakeRoot: opts.lakeRoot, dataset, date, access: opts.access!, retry: opts.retry,
          ...(opts.now ? { now: opts.now } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.logger ? { logger: opts.logger } : {}),
          onProgress: (p) => opts.observer?.stepProgress?.(s, p),
        });
      });
      opts.observer?.stepFinished?.(s, res);
      outcome.download = res;
      bump(summary.downloads, res.state);
      if (res.state === 'complete') summary.bytesDownloaded += res.bytes;
      if (res.state !== 'complete' && res.state !== 'skipped') {
        summary.failures.push({ dataset, date, step: 'download', state: res.state, error: res.error ?? res.state });
        return outcome;
      }
      if (opts.mode === 'download') return outcome;
    }
    if (opts.signal?.aborted) return outcome;
    const s = step(dataset, date, 'ingest');
    const res = await ingestSlot(async () => {
      opts.observer?.stepStarted?.(s);
      return ingestDay({
        lakeRoot: opts.lakeRoot, dataset, date, duckdb: opts.duckdb,
        ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.logger ? { logger: opts.logger } : {}),
        onProgress: (p) => opts.observer?.stepProgress?.(s, p),
      });
    });
    opts.observer?.stepFinished?.(s, res);
    outcome.ingest = res;
    bump(summary.ingests, res.state);
    summary.rowsWritten += res.rows;
    summary.rejects += res.rejects;
    if (res.state === 'failed' || res.state === 'missing') summary.failures.push({ dataset, date, step: 'ingest', state: res.state, error: res.error ?? res.state });
    return outcome;
  };

  summary.days = await Promise.all(days.map(doDay));
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
