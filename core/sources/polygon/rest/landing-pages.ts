import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { tempPathFor, writeFileAtomic } from '../../../files/atomic-write.ts';
import type { IsoDate } from '../../../calendar/index.ts';
import type { RestFetchUnit } from '../../../datasets/rest-fetch-units.ts';
import type { RestDatasetId } from '../../../datasets/rest-dataset-types.ts';

// Raw REST pages in landing, one folder per fetch unit:
//   landing/polygon-api/<dataset>/YYYY/MM/YYYY-MM-DD/page-0001.json.gz ... manifest.json
// A fetch writes each page atomically as it arrives into a stage folder under <lake>/.tmp, then the
// manifest, then swaps the stage in for the unit's folder; only then is anything parsed. The folder
// therefore always holds one whole fetch: a kill mid-fetch leaves the previous fetch untouched (and
// garbage in .tmp), and the swap keeps the previous folder beside it as `.YYYY-MM-DD.previous` until
// the new one is in place, so recoverLandingDir can put it back if the kill lands between the renames.

const gzip = promisify(zlib.gzip);

export const LANDING_MANIFEST = 'manifest.json';
export const LANDING_MANIFEST_VERSION = 1;

/** `landing/polygon-api/<dataset>/YYYY/MM/YYYY-MM-DD` (the unit's first partition). */
export function restLandingDir(lakeRoot: string, dataset: RestDatasetId, key: IsoDate): string {
  return path.join(lakeRoot, 'landing', 'polygon-api', dataset, key.slice(0, 4), key.slice(5, 7), key);
}

/** `page-0001.json.gz` (pages count from 1 across every request of the unit). */
export function pageFileName(index: number): string {
  return `page-${String(index).padStart(4, '0')}.json.gz`;
}

/** One kept page. */
export interface LandedPage {
  file: string;
  /** Which declared query and which entity id (ticker_events) the page answers. */
  query: number;
  id: string | null;
  /** The request URL, without key. */
  url: string;
  /** Bytes as received, and on disk. */
  bytes: number;
  gzBytes: number;
  /** sha256 of the bytes as received: what landing holds. */
  sha256: string;
  /** sha256 of the `results` alone: request ids and cursors change on every fetch, results only when data does. */
  resultsSha256: string;
  /** Records in `results`. */
  results: number;
  /** Whether an echo of the key had to be removed from the body before it was kept. */
  scrubbed: boolean;
}

/** A request that ended without a page (ticker_events for an entity the API does not know). */
export interface LandedMiss {
  query: number;
  id: string | null;
  url: string;
  status: number;
  message: string;
}

/** The table of contents of one unit's landing folder. */
export interface LandingManifest {
  version: number;
  dataset: RestDatasetId;
  unit: Pick<RestFetchUnit, 'kind' | 'key' | 'from' | 'to' | 'partitions' | 'snapshots'>;
  fetchedAt: string;
  plan: string;
  pages: LandedPage[];
  misses: LandedMiss[];
  /** sha256 over the pages' sha256, in order: the exact bytes of the fetch. */
  checksum: string;
  /** sha256 over the pages' resultsSha256 (and misses): equal for two fetches that returned the same data. */
  contentChecksum: string;
}

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** The part of a page that carries data (`results`, or the whole body of a bare array). */
export function resultsOf(json: unknown): unknown {
  if (Array.isArray(json)) return json;
  return (json as { results?: unknown }).results ?? null;
}

/** Records a page holds: the length of `results`, or 1 for an object result. */
function resultCount(results: unknown): number {
  if (Array.isArray(results)) return results.length;
  return results === null || results === undefined ? 0 : 1;
}

/** Writes one page (gzip, temp file, fsync, rename) and describes it for the manifest. */
export async function writeLandingPage(
  lakeRoot: string,
  dir: string,
  index: number,
  page: { body: Buffer; json: unknown; url: string; scrubbed: boolean; query: number; id: string | null },
): Promise<LandedPage> {
  const file = pageFileName(index);
  const gz = await gzip(page.body);
  await writeFileAtomic(path.join(dir, file), gz, { lakeRoot });
  return {
    file, query: page.query, id: page.id, url: page.url,
    bytes: page.body.length, gzBytes: gz.length,
    sha256: sha256(page.body), resultsSha256: sha256(JSON.stringify(resultsOf(page.json))), results: resultCount(resultsOf(page.json)),
    scrubbed: page.scrubbed,
  };
}

/** Where the previous folder waits while a new fetch is swapped in. */
function previousDirOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.previous`);
}

/**
 * Repairs a unit's folder after a kill during a swap: puts the previous fetch back when the new one
 * never arrived, and drops it when the new one did.
 */
export async function recoverLandingDir(target: string): Promise<void> {
  const previous = previousDirOf(target);
  if (!fs.existsSync(previous)) return;
  if (fs.existsSync(target)) await fs.promises.rm(previous, { recursive: true, force: true });
  else await fs.promises.rename(previous, target);
}

/** A fetch being staged: pages go to `dir` (under <lake>/.tmp); commit swaps it in for `target`. */
export interface LandingStage {
  dir: string;
  target: string;
  /** Writes the manifest into the stage and swaps the stage in; returns the manifest's size. */
  commit(manifest: LandingManifest): Promise<number>;
  /** Removes the stage (the fetch failed; the unit's folder is untouched). */
  discard(): Promise<void>;
}

/** Opens a stage for a new fetch of `target`, first repairing an interrupted swap of it. */
export async function openLandingStage(lakeRoot: string, target: string): Promise<LandingStage> {
  await recoverLandingDir(target);
  // Named like every temp file (`<name>.<pid>-<hex>.partial`), so a sweep knows when its writer is gone.
  const dir = tempPathFor(target, lakeRoot);
  await fs.promises.mkdir(dir, { recursive: true });
  return {
    dir,
    target,
    async commit(manifest) {
      const text = `${JSON.stringify(manifest, null, 2)}\n`;
      await writeFileAtomic(path.join(dir, LANDING_MANIFEST), text, { lakeRoot });
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const previous = previousDirOf(target);
      const hadPrevious = fs.existsSync(target);
      if (hadPrevious) await fs.promises.rename(target, previous);
      await fs.promises.rename(dir, target);
      if (hadPrevious) await fs.promises.rm(previous, { recursive: true, force: true });
      return Buffer.byteLength(text);
    },
    discard: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
}

/** The two checksums of a fetch. */
export function landingChecksums(
  pages: readonly LandedPage[],
  misses: readonly LandedMiss[],
): { checksum: string; contentChecksum: string } {
  const missText = misses.map((m) => `${m.query}|${m.id ?? ''}|${m.status}`).join('\n');
  return {
    checksum: sha256(pages.map((p) => p.sha256).join('\n')),
    contentChecksum: sha256(`${pages.map((p) => p.resultsSha256).join('\n')}\n--\n${missText}`),
  };
}

/** Reads a unit's manifest, or null when there is none or it does not parse. */
export async function readLandingManifest(dir: string): Promise<LandingManifest | null> {
  try {
    const value = JSON.parse(await fs.promises.readFile(path.join(dir, LANDING_MANIFEST), 'utf8')) as LandingManifest;
    return value && value.version === LANDING_MANIFEST_VERSION && Array.isArray(value.pages) ? value : null;
  } catch {
    return null;
  }
}

/** Reads a kept page back (replay, tests). */
export async function readLandingPage(dir: string, file: string): Promise<Buffer> {
  return promisify(zlib.gunzip)(await fs.promises.readFile(path.join(dir, file)));
}
