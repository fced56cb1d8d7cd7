import type { FlatFileDatasetId, PlausibleBounds, RegistryOptions } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';
import { typicalLandingBytes } from '../../lake/landing-sizes.ts';

/** What an ingest job's worker is told. */
export interface IngestJobSpec {
  kind: 'ingest';
  dataset: FlatFileDatasetId;
  date: string;
  lakeRoot: string;
  duckdb: { threads: number; memoryLimit: string };
  bounds: PlausibleBounds;
  registryOptions: RegistryOptions;
  logLevel: string;
}

/**
 * The `ingest` job kind: one landing flat file into validated bronze. When an ingest failed, its
 * landing input is checked again (the downloader compares the file with its record's sha256 and
 * fetches it only if it changed), so a file damaged on disk is repaired by the same run.
 */
export const ingestJobKind: JobKindPlugin = {
  kind: 'ingest',
  resource: 'compute',
  writes: 'bronze',
  rebuildInputsOnFailure: true,
  async estimate(job, ctx) {
    const rec = ctx.reader.record({ dataset: job.dataset, layer: 'landing', date: job.dates[0]! });
    if (rec?.bytes) return { bytes: rec.bytes, basis: 'landing' };
    // Not downloaded yet: the lake's own recent files say how big it will be; only without any is it a guess.
    const recent = typicalLandingBytes(ctx.lakeRoot, job.dataset);
    if (recent !== null) return { bytes: recent, basis: 'landing' };
    return { bytes: ctx.registry.get(job.dataset).flatFile?.typicalBytes ?? 0, basis: 'typical' };
  },
  spec(job, run): IngestJobSpec {
    const dataset = job.dataset as FlatFileDatasetId;
    return {
      kind: 'ingest', dataset, date: job.dates[0]!, lakeRoot: run.lakeRoot, duckdb: run.duckdb,
      bounds: run.settings.validation[dataset], registryOptions: run.registryOptions, logLevel: run.logLevel,
    };
  },
};
