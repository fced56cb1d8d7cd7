// Landing folders of REST fetch units: staged, swapped in whole, repaired after a kill mid-swap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  landingChecksums, LANDING_MANIFEST_VERSION, openLandingStage, readLandingManifest, readLandingPage, recoverLandingDir, restLandingDir,
  writeLandingPage, type LandingManifest,
} from '../../../core/sources/polygon/rest/landing-pages.ts';

let lake: string;
beforeEach(async () => {
  lake = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-landing-'));
});
afterEach(() => fs.promises.rm(lake, { recursive: true, force: true }));

const UNIT = { kind: 'month' as const, key: '2024-03-01', from: '2024-03-01', to: '2024-03-28', partitions: ['2024-03-01'] };

/** Stages and commits a fetch of the given pages' results; returns the manifest. */
async function fetchOnce(results: unknown[][], requestId: string): Promise<LandingManifest> {
  const target = restLandingDir(lake, 'splits', UNIT.key);
  const stage = await openLandingStage(lake, target);
  const pages = [];
  for (const [i, r] of results.entries()) {
    const json = { status: 'OK', request_id: `${requestId}-${i}`, results: r };
    const body = Buffer.from(JSON.stringify(json));
    const page = { body, json, url: 'http://x/v3/reference/splits', scrubbed: false, query: 0, id: null };
    pages.push(await writeLandingPage(lake, stage.dir, i + 1, page));
  }
  const manifest: LandingManifest = {
    version: LANDING_MANIFEST_VERSION, dataset: 'splits', unit: UNIT, fetchedAt: 'now', plan: 'basic', pages, misses: [],
    ...landingChecksums(pages, []),
  };
  await stage.commit(manifest);
  return manifest;
}

describe('landing pages', () => {
  it('lands a fetch under landing/polygon-api/<dataset>/YYYY/MM/<date>/ with a manifest of sha256s', async () => {
    const m = await fetchOnce([[{ a: 1 }], [{ a: 2 }]], 'r1');
    const dir = path.join(lake, 'landing', 'polygon-api', 'splits', '2024', '03', '2024-03-01');
    expect((await fs.promises.readdir(dir)).sort()).toEqual(['manifest.json', 'page-0001.json.gz', 'page-0002.json.gz']);
    const second = JSON.parse((await readLandingPage(dir, 'page-0002.json.gz')).toString());
    expect(second).toEqual({ status: 'OK', request_id: 'r1-1', results: [{ a: 2 }] });
    expect(await readLandingManifest(dir)).toEqual(m);
    expect(m.pages.map((p) => p.results)).toEqual([1, 1]);
  });

  it('tells a refetch with the same results from one with new results, whatever the request ids', async () => {
    const a = await fetchOnce([[{ a: 1 }], [{ a: 2 }]], 'r1');
    const b = await fetchOnce([[{ a: 1 }], [{ a: 2 }]], 'r2');
    const c = await fetchOnce([[{ a: 1 }], [{ a: 3 }]], 'r3');
    expect(b.checksum).not.toBe(a.checksum);
    expect(b.contentChecksum).toBe(a.contentChecksum);
    expect(c.contentChecksum).not.toBe(a.contentChecksum);
  });

  it('replaces the whole folder, so a shorter refetch leaves no page of the longer one', async () => {
    await fetchOnce([[1], [2], [3]], 'r1');
    await fetchOnce([[1]], 'r2');
    expect(await fs.promises.readdir(restLandingDir(lake, 'splits', UNIT.key))).toEqual(['manifest.json', 'page-0001.json.gz']);
  });

  it('repairs a swap killed between its renames, in either direction', async () => {
    const target = restLandingDir(lake, 'splits', UNIT.key);
    const previous = path.join(path.dirname(target), '.2024-03-01.previous');
    await fetchOnce([[1]], 'r1');
    // Killed after moving the old folder aside, before the new one arrived: the old one comes back.
    await fs.promises.rename(target, previous);
    await recoverLandingDir(target);
    expect(fs.existsSync(target) && !fs.existsSync(previous)).toBe(true);
    // Killed after the new one arrived, before the old one was removed: the old one goes.
    await fs.promises.cp(target, previous, { recursive: true });
    await recoverLandingDir(target);
    expect(fs.existsSync(previous)).toBe(false);
    expect(await readLandingManifest(target)).not.toBeNull();
  });

  it('discards a failed fetch\'s stage and keeps the folder as it was', async () => {
    const kept = await fetchOnce([[1]], 'r1');
    const stage = await openLandingStage(lake, restLandingDir(lake, 'splits', UNIT.key));
    await writeLandingPage(lake, stage.dir, 1, { body: Buffer.from('{}'), json: {}, url: 'u', scrubbed: false, query: 0, id: null });
    await stage.discard();
    expect(fs.existsSync(stage.dir)).toBe(false);
    expect(await readLandingManifest(restLandingDir(lake, 'splits', UNIT.key))).toEqual(kept);
  });
});
