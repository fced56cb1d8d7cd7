/**
 * Which module a worker process or thread starts. From source every worker is a TypeScript file
 * run through tsx; in the CLI bundle (scripts/build-cli.js) each worker is a bundle beside the CLI's
 * own, and the bundle's banner records that folder in a per-thread global. Workers of a bundled CLI
 * must be bundled too: the sources may have changed since the bundle was built, and tsx costs
 * about a second per process.
 */
import path from 'node:path';

declare global {
  // Set by the CLI bundle's banner; absent when running from source.
  var __quantminiBundleDir: string | undefined;
}

/** The folder of the CLI bundle this code runs from, or null when it runs from TypeScript source. */
export function cliBundleDir(): string | null {
  return globalThis.__quantminiBundleDir ?? null;
}

/** The bundled worker `name` (an entry of scripts/build-cli.js) when running bundled, else `sourceEntry`. */
export function workerEntryFor(name: 'job-worker' | 'lake-service' | 'feature-worker' | 'csv-parse-worker', sourceEntry: string): string {
  const dir = cliBundleDir();
  return dir ? path.join(dir, `${name}.mjs`) : sourceEntry;
}
