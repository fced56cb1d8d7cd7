import type { FlatFileDatasetId } from '../../datasets/index.ts';
import type { JobKindPlugin, RunSources } from '../../jobs/job-kind.ts';
import { groupDatesBySize } from '../../jobs/date-groups.ts';
import { typicalLandingBytes } from '../../lake/landing-sizes.ts';

/** What a download job's worker is told (holds the S3 secret: travels only over the job's channel). */
export interface DownloadJobSpec {
  kind: 'download';
  dataset: FlatFileDatasetId;
  /** Consecutive trading dates, ascending (daily files travel in runs, see date-groups.ts). */
  dates: string[];
  lakeRoot: string;
  access: NonNullable<RunSources['s3']>;
  retry: { requestAttempts: number; baseDelayMs: number; maxDelayMs: number };
  logLevel: string;
}

/**
 * The `download` job kind: flat files of consecutive trading days from S3 into landing. Each size
 * is asked upstream (HEAD) while the plan's probe budget lasts, otherwise taken from the newest
 * landing files of the same dataset, otherwise from the registry's typical size (labelled a guess).
 */
export const downloadJobKind: JobKindPlugin = {
  kind: 'download',
  resource: 'network',
  writes: 'landing',
  group: (dataset, dates) => groupDatesBySize(dataset, dates),
  async estimate(job, ctx) {
    const entry = ctx.registry.get(job.dataset);
    const s3 = ctx.sources?.s3;
    // Files this lake already holds are this source's own sizes (the simulator's are far smaller
    // than a real account's); only without any is the registry's typical size, a guess, used.
    const recent = typicalLandingBytes(ctx.lakeRoot, job.dataset);
    const typical = recent ?? entry.flatFile?.typicalBytes ?? 0;
    let bytes = 0;
    let guessed = false;
    let published = false;
    for (const date of job.dates) {
      if (s3 && ctx.probes && ctx.probes.remaining > 0) {
        ctx.probes.remaining -= 1;
        try {
          const { headDay } = await import('./flat-file-downloader.ts');
          const head = await headDay(s3, job.dataset as FlatFileDatasetId, date);
          if (head) {
            bytes += head.size;
            published = true;
          }
          continue;
        } catch {
          // A HEAD can fail for reasons the download will report properly (403, throttling).
        }
      }
      bytes += typical;
      if (recent === null) guessed = true;
      published = true;
    }
    return { bytes, basis: guessed ? 'typical' : published ? (s3 && ctx.probes ? 'head' : 'landing') : 'unpublished' };
  },
  spec(job, run): DownloadJobSpec {
    if (!run.sources.s3) throw new Error(`${job.id}: no S3 source was opened for this run`);
    const r = run.settings.retry;
    return {
      kind: 'download', dataset: job.dataset as FlatFileDatasetId, dates: job.dates, lakeRoot: run.lakeRoot, access: run.sources.s3,
      retry: { requestAttempts: r.requestAttempts, baseDelayMs: r.baseDelayMs, maxDelayMs: r.maxDelayMs }, logLevel: run.logLevel,
    };
  },
};
