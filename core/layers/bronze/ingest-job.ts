import path from 'node:path';
import { createLakeRegistry } from '../../datasets/index.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { ingestDay } from './flat-file-ingestor.ts';
import type { IngestJobSpec } from './ingest-job-kind.ts';

/** Worker side of the `ingest` job kind: one landing file into bronze. */
export async function runIngestJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as IngestJobSpec;
  const r = await ingestDay({
    lakeRoot: spec.lakeRoot, dataset: spec.dataset, date: spec.date, duckdb: spec.duckdb, bounds: spec.bounds,
    registry: createLakeRegistry(spec.registryOptions), signal: ctx.signal, onProgress: ctx.onProgress, logger: ctx.logger,
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
