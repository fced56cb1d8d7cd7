// A job process killed with SIGKILL in the middle of a REST fetch (while pages arrive, or while
// bronze is written) leaves no partial file anywhere but .tmp, keeps the previous complete fetch
// intact, and the rerun completes.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRestPartition } from '../../../core/layers/bronze/rest-partition.ts';
import { sweepOrphanedTemp } from '../../../core/files/atomic-write.ts';
import { readLandingManifest, readLandingPage, restLandingDir } from '../../../core/sources/polygon/rest/landing-pages.ts';
import { OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createRestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';
import { filesUnder, market, readParquet, SCHEDULE, tempLake } from './rest-fixtures.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const CHILD = path.join(HERE, 'fetch-child.ts');
const DATE = '2024-03-28';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulatorServers({ market: market(), now: () => new Date('2024-07-01T16:00:00Z') });
});
afterAll(() => sim.close());

/** Runs the child until `killWhen` says so (then SIGKILL), or to its end; resolves with how it ended. */
function runChild(
  lake: string,
  killWhen: (progress: { phase: string; message?: string }) => boolean,
): Promise<{ killed: boolean; done: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, lake, 'tickers', DATE, '4', sim.restBase], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, QM_TEST_REST_KEY: sim.apiKey },
    });
    let killed = false;
    let done: unknown = null;
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl)) as { progress?: { phase: string; message?: string }; done?: unknown };
        buffer = buffer.slice(nl + 1);
        if (line.done) done = line.done;
        if (line.progress && !killed && killWhen(line.progress)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
      else resolve({ killed: killed && signal === 'SIGKILL', done });
    });
  });
}

/** Every file outside .tmp is whole: no temp names, every landing folder matches its manifest. */
async function expectNoPartialFile(lake: string): Promise<void> {
  const files = (await filesUnder(lake)).filter((f) => !f.startsWith(path.join(lake, '.tmp') + path.sep));
  expect(files.filter((f) => f.endsWith('.partial') || f.includes('.previous'))).toEqual([]);
  const dir = restLandingDir(lake, 'tickers', DATE);
  if (!fs.existsSync(dir)) return;
  const manifest = (await readLandingManifest(dir))!;
  expect(manifest).not.toBeNull();
  expect((await fs.promises.readdir(dir)).sort()).toEqual([...manifest.pages.map((p) => p.file), 'manifest.json'].sort());
  for (const p of manifest.pages) {
    expect(crypto.createHash('sha256').update(await readLandingPage(dir, p.file)).digest('hex')).toBe(p.sha256);
  }
}

const bronzeFile = (lake: string) => path.join(lake, 'bronze', 'tickers', 'year=2024', 'month=03', `${DATE}.parquet`);

describe('kill -9 mid-fetch', () => {
  it('leaves no partial file, keeps the previous fetch, and the rerun completes', async () => {
    const lake = await tempLake();
    const client = createRestClient({ baseUrl: sim.restBase, apiKey: sim.apiKey, plan: 'advanced' });
    const rerun = () =>
      fetchRestPartition({ lakeRoot: lake, dataset: 'tickers', date: DATE, client, gate: OPEN_GATE, schedule: SCHEDULE, pageSize: 4 });
    try {
      // 1. Killed while pages arrive, on a lake that has nothing yet: nothing appears outside .tmp.
      const first = await runChild(lake, (p) => p.phase === 'downloading' && /page 5 /.test(p.message ?? ''));
      expect(first.killed).toBe(true);
      await expectNoPartialFile(lake);
      expect(fs.existsSync(restLandingDir(lake, 'tickers', DATE))).toBe(false);
      expect(fs.existsSync(bronzeFile(lake))).toBe(false);
      expect((await fs.promises.readdir(path.join(lake, '.tmp'))).length).toBeGreaterThan(0);

      // The rerun completes.
      const complete = await rerun();
      expect(complete.state).toBe('complete');
      const rows = await readParquet(bronzeFile(lake));
      expect(rows).toHaveLength(complete.rows);
      const bronzeBytes = await fs.promises.readFile(bronzeFile(lake));

      // 2. Killed mid-refetch: landing still holds the first fetch, byte for byte, and bronze is untouched.
      const midFetch = await runChild(lake, (p) => /page 9 /.test(p.message ?? ''));
      expect(midFetch.killed).toBe(true);
      await expectNoPartialFile(lake);
      expect((await readLandingManifest(restLandingDir(lake, 'tickers', DATE)))!.checksum).toBe(complete.landing!.checksum);
      expect(Buffer.compare(await fs.promises.readFile(bronzeFile(lake)), bronzeBytes)).toBe(0);

      // 3. Killed while bronze is written (after the new fetch was swapped into landing): bronze is
      // the old file or the new one, whole either way, and landing is the new fetch of the same data.
      const midWrite = await runChild(lake, (p) => p.phase === 'writing');
      expect(midWrite.killed).toBe(true);
      await expectNoPartialFile(lake);
      expect((await readLandingManifest(restLandingDir(lake, 'tickers', DATE)))!.contentChecksum).toBe(complete.landing!.contentChecksum);
      expect(await readParquet(bronzeFile(lake))).toEqual(rows);

      // The dead children's leftovers are recognisably orphaned; the next start sweeps them.
      expect(await sweepOrphanedTemp(lake)).toBeGreaterThan(0);
      const again = await rerun();
      expect(again.state).toBe('complete');
      expect(await readParquet(bronzeFile(lake))).toEqual(rows);
      expect(again.landing!.changed).toBe(false);
    } finally {
      await client.close();
      await fs.promises.rm(lake, { recursive: true, force: true });
    }
  });
});
