import { fileURLToPath } from 'node:url';
import { workerEntryFor } from '../process/bundled-entry.ts';
import type { JobKindPlugin } from '../jobs/job-kind.ts';
import { ingestJobKind } from '../layers/bronze/ingest-job-kind.ts';
import { restFetchJobKind } from '../layers/bronze/rest-fetch-job-kind.ts';
import { featureJobKind } from '../layers/features/feature-job-kind.ts';
import { goldJobKind } from '../layers/gold/gold-job-kind.ts';
import { minuteGoldJobKind } from '../layers/gold/minute-gold-job-kind.ts';
import { goldFeaturesJobKind } from '../layers/gold/gold-features-job-kind.ts';
import { silverJobKind } from '../layers/silver/silver-job-kind.ts';
import { downloadJobKind } from '../sources/polygon/download-job-kind.ts';

/** The job kinds the lake ships with; each builds one layer (see core/jobs/job-kind.ts). */
export const BUILT_IN_JOB_KINDS: readonly JobKindPlugin[] = [downloadJobKind, ingestJobKind, restFetchJobKind, silverJobKind, goldJobKind, minuteGoldJobKind, featureJobKind, goldFeaturesJobKind];

/** The engine's worker module: the TypeScript source (run through tsx), or the bundled worker when the CLI runs bundled. */
export function sourceWorkerEntry(): string {
  return workerEntryFor('job-worker', fileURLToPath(new URL('./job-worker.ts', import.meta.url)));
}
