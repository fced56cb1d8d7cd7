import path from 'node:path';
import { runDates } from '../../jobs/date-groups.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { DownloadJobSpec } from './download-job-kind.ts';
import { downloadDay } from './flat-file-downloader.ts';

/** A path relative to the lake root when inside it (what results and journals show). */
function relative(lakeRoot: string, file: string | undefined | null): string | undefined {
  if (!file) return undefined;
  const rel = path.relative(lakeRoot, file);
  return rel.startsWith('..') ? file : rel;
}

/** Worker side of the `download` job kind: each date's flat file into landing, in order. */
export async function runDownloadJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as DownloadJobSpec;
  return runDates(spec.dates, ctx.onProgress, ctx.signal, (date, onProgress) => downloadOne(spec, date, onProgress, ctx));
}

async function downloadOne(spec: DownloadJobSpec, date: string, onProgress: WorkerContext['onProgress'], ctx: WorkerContext): Promise<WorkerResult> {
  const r = await downloadDay({
    lakeRoot: spec.lakeRoot, dataset: spec.dataset, date, access: spec.access, retry: spec.retry,
    signal: ctx.signal, onProgress, logger: ctx.logger,
  });
  const file = relative(spec.lakeRoot, r.file);
  return {
    outcome: r.state,
    bytes: r.bytes,
    ...(r.error ? { error: r.error } : {}),
    ...(r.errorKind ? { errorKind: r.errorKind } : {}),
    ...(file ? { file } : {}),
  };
}
