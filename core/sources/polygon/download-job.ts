import path from 'node:path';
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

/** Worker side of the `download` job kind: one day's flat file into landing. */
export async function runDownloadJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as DownloadJobSpec;
  const r = await downloadDay({
    lakeRoot: spec.lakeRoot, dataset: spec.dataset, date: spec.date, access: spec.access, retry: spec.retry,
    signal: ctx.signal, onProgress: ctx.onProgress, logger: ctx.logger,
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
