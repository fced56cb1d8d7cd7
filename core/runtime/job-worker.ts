// Entry module of every job process of the built-in job kinds, under child_process.fork (Node
// hosts) and Electron's utilityProcess alike: the port adapter in worker-main hides the
// difference. Each kind's handler is loaded only when a job of that kind runs: a job is one
// process, so what it imports is start-up time paid on every job.
import { runWorker, type JobHandler } from '../process/worker-main.ts';

const HANDLERS: Record<string, () => Promise<JobHandler>> = {
  download: async () => (await import('../sources/polygon/download-job.ts')).runDownloadJob,
  ingest: async () => (await import('../layers/bronze/ingest-job.ts')).runIngestJob,
  'rest-fetch': async () => (await import('../layers/bronze/rest-fetch-job.ts')).runRestFetchJob,
  'silver-build': async () => (await import('../layers/silver/silver-job.ts')).runSilverJob,
  'gold-build': async () => (await import('../layers/gold/gold-job.ts')).runGoldJob,
  'gold-minute-build': async () => (await import('../layers/gold/minute-gold-job.ts')).runMinuteGoldJob,
  'gold-feature-columns': async () => (await import('../layers/gold/gold-features-job.ts')).runGoldFeaturesJob,
  'feature-build': async () => (await import('../layers/features/feature-job.ts')).runFeatureJob,
};

runWorker(async (spec, ctx) => {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  const load = typeof kind === 'string' ? HANDLERS[kind] : undefined;
  if (!load) throw new Error(`this worker runs no job of kind "${String(kind)}" (it runs: ${Object.keys(HANDLERS).join(', ')})`);
  return (await load())(spec, ctx);
});
