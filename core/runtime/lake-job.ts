import path from 'node:path';
import type { FlatFileDatasetId, PlausibleBounds } from '../datasets/index.ts';
import type { S3Access } from '../sources/polygon/flat-file-source.ts';
import type { WorkerResult } from './job-types.ts';
import type { WorkerContext } from '../process/worker-main.ts';

/**
 * The spec of a lake job as it crosses into the worker. `access` holds S3 credentials: it travels
 * only over the process's message channel and is never written to the journal or a log.
 */
export interface LakeJobSpec {
  kind: 'download' | 'ingest';
  dataset: string;
  date: string;
  lakeRoot: string;
  access?: S3Access;
  retry: { requestAttempts: number; baseDelayMs: number; maxDelayMs: number };
  duckdb: { threads: number; memoryLimit: string };
  /** Plausibility bounds of the dataset (settings.validation). */
  bounds?: PlausibleBounds;
  logLevel?: string;
}

function relative(lakeRoot: string, file: string | undefined | null): string | undefined {
  if (!file) return undefined;
  const rel = path.relative(lakeRoot, file);
  return rel.startsWith('..') ? file : rel;
}

/** Runs one lake job (download or ingest of one dataset and trading day) inside a worker. */
export async function runLakeJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as LakeJobSpec;
  const dataset = spec.dataset as FlatFileDatasetId;
  // Each kind loads only its own stack (the S3 client, or DuckDB): a job is one process, so what
  // it imports is start-up time paid on every job.
  if (spec.kind === 'download') {
    const { downloadDay } = await import('../sources/polygon/flat-file-downloader.ts');
    if (!spec.access) throw new Error(`download ${spec.dataset} ${spec.date}: no S3 access in the job spec`);
    const r = await downloadDay({
      lakeRoot: spec.lakeRoot,
      dataset,
      date: spec.date,
      access: spec.access,
      retry: spec.retry,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
      logger: ctx.logger,
    });
    return {
      outcome: r.state,
      bytes: r.bytes,
      ...(r.error ? { error: r.error } : {}),
      ...(r.errorKind ? { errorKind: r.errorKind } : {}),
      ...(relative(spec.lakeRoot, r.file) ? { file: relative(spec.lakeRoot, r.file)! } : {}),
    };
  }
  if (spec.kind === 'ingest') {
    const { ingestDay } = await import('../layers/bronze/flat-file-ingestor.ts');
    const r = await ingestDay({
      lakeRoot: spec.lakeRoot,
      dataset,
      date: spec.date,
      duckdb: spec.duckdb,
      ...(spec.bounds ? { bounds: spec.bounds } : {}),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
      logger: ctx.logger,
    });
    return {
      outcome: r.state,
      rows: r.rows,
      rejects: r.rejects,
      bytes: r.bytes,
      ...(r.error ? { error: r.error } : {}),
      ...(r.errorKind ? { errorKind: r.errorKind } : {}),
      ...(relative(spec.lakeRoot, r.file) ? { file: relative(spec.lakeRoot, r.file)! } : {}),
    };
  }
  throw new Error(`unknown job kind ${(spec as { kind?: string }).kind}`);
}
