import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from '@20minutes/s3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flatFileDataset, flatFileKey } from '../../../core/datasets/index.ts';
import { sweepOrphanedTemp } from '../../../core/files/atomic-write.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import type { JobProgress } from '../../../core/progress/job-progress.ts';
import type { S3Access } from '../../../core/sources/polygon/flat-file-source.ts';
import { csvGz, listFiles, makeTempLake, minuteDay, putLanding } from './lake-fixtures.ts';

// A process killed at any moment must leave the previous good state plus garbage in .tmp, and a
// rerun must complete. The work runs in a child process that is SIGKILLed mid-way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const WORKER = path.join(import.meta.dirname, 'crash-worker.ts');
const ROOT = path.resolve(import.meta.dirname, '../../..');
const D = '2024-03-05';

interface WorkerRun {
  /** Resolves with the result line when the worker finishes on its own. */
  done: Promise<{ done?: { state: string } } | null>;
  kill(): void;
}

function runWorker(args: string[], onProgress: (p: JobProgress, kill: () => void) => void): WorkerRun {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  let buf = '';
  let last: { done?: { state: string } } | null = null;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as { progress?: JobProgress; done?: { state: string } };
      buf = buf.slice(nl + 1);
      if (line.progress) onProgress(line.progress, kill);
      if (line.done) last = line;
    }
  });
  const done = new Promise<{ done?: { state: string } } | null>((resolve, reject) =>
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve(last) : reject(new Error(`worker exited ${code}: ${stderr}`)))),
  );
  return { done, kill };
}

/** A TCP proxy that slows responses to ~`bytesPerSecond`, so a download is still running when killed. */
async function throttlingProxy(targetPort: number, bytesPerSecond: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const slow = new Transform({
      transform(chunk: Buffer, _e, cb) {
        setTimeout(() => cb(null, chunk), (chunk.length / bytesPerSecond) * 1000);
      },
    });
    client.pipe(upstream);
    upstream.pipe(slow).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

let lake: string;
beforeEach(async () => {
  lake = await makeTempLake();
});
afterEach(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

describe('killed mid-download', () => {
  let server: S3rver;
  let dir: string;
  let proxy: { port: number; close(): Promise<void> };
  let body: Buffer;
  beforeAll(async () => {
    dir = await makeTempLake('qm-crash-s3-');
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'flatfiles' }], allowMismatchedSignatures: true });
    const { port } = await server.run();
    body = csvGz(minuteDay(D, 400, 390));
    const seeder = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await seeder.send(new PutObjectCommand({ Bucket: 'flatfiles', Key: flatFileKey(flatFileDataset('stocks_minute'), D), Body: body }));
    seeder.destroy();
    proxy = await throttlingProxy(port, 2_000_000);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('leaves no partial file in landing, only garbage in .tmp, and the rerun completes', async () => {
    const access: S3Access = { endpoint: `http://127.0.0.1:${proxy.port}`, bucket: 'flatfiles', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const args = ['download', lake, 'stocks_minute', D, JSON.stringify(access)];
    let killedAt = 0;
    const run = runWorker(args, (p, kill) => {
      if (!killedAt && p.phase === 'downloading' && (p.bytesDone ?? 0) > body.length / 4) {
        killedAt = p.bytesDone ?? 0;
        kill();
      }
    });
    expect(await run.done).toBeNull();
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(body.length);
    expect(listFiles(lake, 'landing')).toEqual([]);
    expect(await readPartitionRecord(lake, 'landing', 'stocks_minute', D)).toBeNull();
    const garbage = listFiles(lake, '.tmp');
    expect(garbage).toHaveLength(1);
    expect(garbage[0]).toMatch(/^2024-03-05\.csv\.gz\.\d+-[0-9a-f]+\.partial$/);

    const rerun = runWorker(args, () => undefined);
    expect((await rerun.done)?.done?.state).toBe('complete');
    const landed = fs.readFileSync(lakePaths(lake).landingFile('stocks_minute', D));
    expect(crypto.createHash('sha256').update(landed).digest('hex')).toBe(crypto.createHash('sha256').update(body).digest('hex'));
    expect(await sweepOrphanedTemp(lake)).toBe(1);
    expect(listFiles(lake, '.tmp')).toEqual([]);
  });
});

describe('killed mid-ingest', () => {
  let big: Buffer;
  beforeAll(() => {
    big = csvGz(minuteDay(D, 1600, 390));
  });
  for (const phase of ['decompressing', 'reading', 'writing']) {
    it(`during ${phase}: the previous bronze file stays intact, no partial file appears, the rerun completes`, async () => {
      // A good earlier version of the day is in bronze; the new landing file is bigger.
      await putLanding(lake, 'stocks_minute', D, csvGz(minuteDay(D, 5, 10)));
      const first = runWorker(['ingest', lake, 'stocks_minute', D], () => undefined);
      expect((await first.done)?.done?.state).toBe('complete');
      const bronze = lakePaths(lake).bronzeFile('stocks_minute', D);
      const before = fs.readFileSync(bronze);
      const recordBefore = await readPartitionRecord(lake, 'bronze', 'stocks_minute', D);

      await putLanding(lake, 'stocks_minute', D, big);
      let killed = false;
      const run = runWorker(['ingest', lake, 'stocks_minute', D], (p, kill) => {
        if (!killed && p.phase === phase && (phase !== 'decompressing' || (p.bytesDone ?? 0) > 0)) {
          killed = true;
          kill();
        }
      });
      expect(await run.done).toBeNull();
      expect(killed).toBe(true);
      expect(fs.readFileSync(bronze).equals(before)).toBe(true);
      expect(await readPartitionRecord(lake, 'bronze', 'stocks_minute', D)).toEqual(recordBefore);
      expect(listFiles(lake, 'bronze')).toEqual(['stocks_minute/year=2024/month=03/2024-03-05.parquet']);
      expect(listFiles(lake, '.tmp').length).toBeGreaterThan(0);

      const rerun = runWorker(['ingest', lake, 'stocks_minute', D], () => undefined);
      expect((await rerun.done)?.done).toMatchObject({ state: 'complete', rows: 1600 * 390 });
      expect(await sweepOrphanedTemp(lake)).toBeGreaterThan(0);
      expect(listFiles(lake, '.tmp')).toEqual([]);
    });
  }
});
