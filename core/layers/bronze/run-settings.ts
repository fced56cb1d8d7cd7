import os from 'node:os';
import type { Settings } from '../../config/index.ts';
import type { RetryPolicy } from '../../sources/polygon/retry-policy.ts';

/** Concurrency, retry and DuckDB settings of flat-file runs, with defaults for values left null. */
export interface FlatFileRunSettings {
  retry: RetryPolicy;
  duckdb: { threads: number; memoryLimit: string };
  concurrency: { downloads: number; ingests: number };
}

/**
 * Resolves the settings flat-file runs use. Null means "recommended": 4 downloads (network
 * bound), 1 ingest at a time using every core (one gzip stream is single-threaded, the parse and
 * the Parquet write are not), and a 2 GB DuckDB cap (a clean day streams; a day with rejects or
 * disorder stages about 150 MB).
 */
export function flatFileRunSettings(settings: Settings): FlatFileRunSettings {
  const c = settings.concurrency;
  return {
    retry: { requestAttempts: settings.retry.requestAttempts, baseDelayMs: settings.retry.baseDelayMs, maxDelayMs: settings.retry.maxDelayMs },
    duckdb: { threads: c.duckdbThreads ?? Math.max(1, os.availableParallelism()), memoryLimit: c.duckdbMemoryLimit ?? '2GB' },
    concurrency: { downloads: c.downloads ?? 4, ingests: c.ingestWorkers ?? 1 },
  };
}
