import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { REJECT_REASONS } from '../../../core/layers/bronze/bronze-sql.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { downloadDay, type DownloadDayRequest } from '../../../core/sources/polygon/flat-file-downloader.ts';
import type { S3Access } from '../../../core/sources/polygon/flat-file-source.ts';
import { destroySharedS3Clients } from '../../../core/sources/polygon/s3-client.ts';
import type { RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';
import { listFiles, makeTempLake } from './lake-fixtures.ts';
import { startSim } from './simulator-fixture.ts';

// Every fault the simulator offers, against the real downloader (and ingestor for bad data).
const D = '2024-03-05';
const RETRY = { requestAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
let clock = new Date('2024-04-02T00:00:00Z');
const now = () => clock;
let sim: RunningSimulator;
let access: S3Access;
let lake: string;

beforeAll(async () => {
  ({ sim, access } = await startSim({ seed: 7, tickers: 20, from: '2024-03-01', to: '2024-03-28', now }));
});
afterAll(async () => {
  destroySharedS3Clients();
  await sim.close();
});
beforeEach(async () => {
  lake = await makeTempLake();
  clock = new Date('2024-04-02T00:00:00Z');
  sim.setFaults('');
  sim.setPlan('advanced');
});
afterEach(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

const req = (over: Partial<DownloadDayRequest> = {}): DownloadDayRequest => ({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now, ...over });

describe('downloadDay against the simulator', () => {
  it('downloads every aggregate dataset and the files ingest cleanly', async () => {
    for (const dataset of ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'] as const) {
      const res = await downloadDay(req({ dataset }));
      expect(res.state, dataset).toBe('complete');
      const ing = await ingestDay({ lakeRoot: lake, dataset, date: D, duckdb: { threads: 2, memoryLimit: '512MB' } });
      expect(ing.state, `${dataset}: ${ing.error}`).toBe('complete');
      expect(ing.rows).toBeGreaterThan(0);
    }
  });

  it('a day is pending before 11:00 ET of the next trading day and lands after it', async () => {
    clock = new Date('2024-03-06T15:59:00Z'); // 10:59 ET
    const early = await downloadDay(req());
    expect(early).toMatchObject({ state: 'pending', attempts: 1 });
    expect(listFiles(lake, 'landing')).toEqual([]);
    clock = new Date('2024-03-06T16:00:00Z');
    expect((await downloadDay(req())).state).toBe('complete');
  });

  it('a file missing after its publication instant is missing', async () => {
    sim.setFaults(`unpublished@${D}`);
    const res = await downloadDay(req());
    expect(res).toMatchObject({ state: 'missing', attempts: 1 });
    expect(res.error).toMatch(/does not exist upstream although it should have been published/);
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', D))?.status).toBe('missing');
  });

  it('a truncated gzip fails without retries and leaves nothing in landing', async () => {
    sim.setFaults(`truncated@${D}`);
    const res = await downloadDay(req({ dataset: 'stocks_minute' }));
    expect(res).toMatchObject({ state: 'failed', attempts: 1 });
    expect(res.error).toMatch(/^stocks_minute 2024-03-05: us_stocks_sip\/minute_aggs_v1\/2024\/03\/2024-03-05\.csv\.gz gzip does not decode/);
    expect(listFiles(lake, 'landing')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    sim.setFaults('');
    expect((await downloadDay(req({ dataset: 'stocks_minute' }))).state).toBe('complete');
  });

  it('skips an unchanged file and re-downloads one replaced upstream', async () => {
    const first = await downloadDay(req());
    expect((await downloadDay(req())).state).toBe('skipped');
    sim.setFaults(`replaced@${D}/stocks_daily`);
    const again = await downloadDay(req());
    expect(again.state).toBe('complete');
    expect(again.etag).not.toBe(first.etag);
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', D))?.etag).toBe(again.etag);
    expect((await downloadDay(req())).state).toBe('skipped');
  });

  for (const fault of ['slowdown:2', 's3-503:2', 's3-500:2', 's3-reset:2']) {
    it(`${fault}: retried with backoff, then complete`, async () => {
      sim.setFaults(fault);
      const res = await downloadDay(req({ dataset: 'stocks_minute' }));
      expect(res).toMatchObject({ state: 'complete', attempts: 3 });
      expect(fs.statSync(lakePaths(lake).landingFile('stocks_minute', D)).size).toBe(res.bytes);
      expect((await readPartitionRecord(lake, 'landing', 'stocks_minute', D))?.attempts).toBe(3);
    });
  }

  it('gives up after the configured attempts with the cause', async () => {
    sim.setFaults('slowdown:10');
    const res = await downloadDay(req());
    expect(res).toMatchObject({ state: 'failed', attempts: 4 });
    expect(res.error).toBe('stocks_daily 2024-03-05: 503 SlowDown (gave up after 4 request attempts)');
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', D))).toMatchObject({ status: 'failed', lastError: res.error, attempts: 4 });
  });

  it('a failed refresh keeps a good local copy and its record', async () => {
    const first = await downloadDay(req());
    sim.setFaults(`replaced@${D},slowdown:10`);
    const res = await downloadDay(req());
    expect(res.state).toBe('failed');
    expect(await readPartitionRecord(lake, 'landing', 'stocks_daily', D)).toMatchObject({ status: 'complete', etag: first.etag });
  });

  it('bad data upstream lands as-is and ingests as degraded with each defect rejected', async () => {
    sim.setFaults(`baddata@${D}`);
    expect((await downloadDay(req({ dataset: 'stocks_minute' }))).state).toBe('complete');
    const ing = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: { threads: 2, memoryLimit: '512MB' } });
    expect(ing.state).toBe('degraded');
    expect(ing.rejects).toBeGreaterThanOrEqual(4);
    const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      const reasons = (await db.connection.runAndReadAll(`SELECT DISTINCT reject_reason FROM read_parquet(${sqlString(lakePaths(lake).rejectsFile('stocks_minute', D))}) ORDER BY 1`)).getRowsJS().map((r) => r[0]);
      expect(reasons).toEqual(expect.arrayContaining([REJECT_REASONS.duplicate, REJECT_REASONS.volume, REJECT_REASONS.outsideDay]));
      expect(reasons.some((r) => r === REJECT_REASONS.high || r === REJECT_REASONS.low)).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('downloadDay under a limited plan', () => {
  it('dates outside the plan answer 403 and become not_entitled with a clear message, no retries', async () => {
    const old = await startSim({ seed: 7, tickers: 10, from: '2019-03-01', to: '2019-03-29', now: () => new Date('2024-04-02T00:00:00Z'), plan: 'starter' });
    try {
      const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_minute', date: '2019-03-04', access: old.access, retry: RETRY, now: () => new Date('2024-04-02T00:00:00Z') });
      expect(res).toMatchObject({ state: 'not_entitled', attempts: 1 });
      expect(res.error).toBe('stocks_minute 2019-03-04: not entitled (403 AccessDenied) for us_stocks_sip/minute_aggs_v1/2019/03/2019-03-04.csv.gz — your plan does not include this date');
      expect((await readPartitionRecord(lake, 'landing', 'stocks_minute', '2019-03-04'))?.status).toBe('not_entitled');
      expect(JSON.stringify(await readPartitionRecord(lake, 'landing', 'stocks_minute', '2019-03-04'))).not.toContain(old.access.secretAccessKey);
    } finally {
      destroySharedS3Clients();
      await old.sim.close();
    }
  });
});
