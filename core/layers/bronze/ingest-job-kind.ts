import type { FlatFileDatasetId, PlausibleBounds, RegistryOptions } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';
import { groupDatesBySize } from '../../jobs/date-groups.ts';
import { typicalLandingBytes } from '../../lake/landing-sizes.ts';

/** What an ingest job's worker is told. */
export interface IngestJobSpec {
  kind: 'ingest';
  dataset: FlatFileDatasetId;
  /** Consecutive trading dates, ascending (daily files travel in runs, see date-groups.ts). */
  dates: string[];
  lakeRoot: string;
  duckdb: { threads: number; memoryLimit: string };
  bounds: PlausibleBounds;
  registryOptions: RegistryOptions;
  logLevel: string;
}

/**
 * The `ingest` job kind: landing flat files into validated bronze, one partition per date. Its
 * landing input is checked first (the downloader compares the file with its record's sha256 and
 * fetches it only if it changed), so a file damaged on disk is repaired by the same run.
 */
export const ingestJobKind: JobKindPlugin = {
  kind: 'ingest',
  resource: 'compute',
  writes: 'bronze',
  recheckInputs: true,
  group: (dataset, dates) => groupDatesBySize(dataset, dates),
  async estimate(job, ctx) {
    // Not downloaded yet: the lake's own recent files say how big it will be; only without any is it a guess.
    const recent = typicalLandingBytes(ctx.lakeRoot, job.dataset);
    let bytes = 0;
    let guessed = false;
    for (const date of job.dates) {
      const rec = ctx.reader.record({ dataset: job.dataset, layer: 'landing', date });
      if (rec?.bytes) bytes += rec.bytes;
      else if (recent !== null) bytes += recent;
      else {
        guessed = true;
        bytes += ctx.registry.get(job.dataset).flatFile?.typicalBytes ?? 0;
      }
    }
    return { bytes, basis: guessed ? 'typical' : 'landing' };
  },
  spec(job, run): IngestJobSpec {
    const dataset = job.dataset as FlatFileDatasetId;
    return {
      kind: 'ingest', dataset, dates: job.dates, lakeRoot: run.lakeRoot, duckdb: run.duckdb,
      bounds: run.settings.validation[dataset], registryOptions: run.registryOptions, logLevel: run.logLevel,
    };
  },
};
