import path from 'node:path';
import { createLakeRegistry } from '../../datasets/index.ts';
import { runDates } from '../../jobs/date-groups.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { ingestDay } from './flat-file-ingestor.ts';
import type { IngestJobSpec } from './ingest-job-kind.ts';

/** Worker side of the `ingest` job kind: each date's landing file into bronze, in order. */
export async function runIngestJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as IngestJobSpec;
  const registry = createLakeRegistry(spec.registryOptions);
  return runDates(spec.dates, ctx.onProgress, ctx.signal, (date, onProgress) => ingestOne(spec, registry, date, onProgress, ctx));
}

async function ingestOne(
  spec: IngestJobSpec, registry: ReturnType<typeof createLakeRegistry>, date: string, onProgress: WorkerContext['onProgress'], ctx: WorkerContext,
): Promise<WorkerResult> {
  const r = await ingestDay({
    lakeRoot: spec.lakeRoot, dataset: spec.dataset, date, duckdb: spec.duckdb, bounds: spec.bounds,
    registry, signal: ctx.signal, onProgress, logger: ctx.logger,
  });
  const rel = path.relative(spec.lakeRoot, r.file);
  return {
    outcome: r.state,
    rows: r.rows,
    rejects: r.rejects,
    bytes: r.bytes,
    ...(r.error ? { error: r.error } : {}),
    ...(r.errorKind ? { errorKind: r.errorKind } : {}),
    file: rel.startsWith('..') ? r.file : rel,
  };
}
