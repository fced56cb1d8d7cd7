// The API key appears in no log line, landing file, bronze file, manifest, error or result: across
// paged fetches, 429 and 5xx retries, a 403, a 401 with a wrong key, and an upstream that echoes the
// key back in next_url and in a record. The logger gets no secrets list, so nothing hides a leak.
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { fetchRestPartition, type FetchRestPartitionResult } from '../../../core/layers/bronze/rest-partition.ts';
import { createLogger } from '../../../core/log/logger.ts';
import { createManualClock } from '../../../core/sources/polygon/rest/rest-clock.ts';
import { createTokenBucketGate, OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createRestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import type { PlanName } from '../../../core/sources/polygon/rest/rest-plans.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';
import { filesUnder, market, SCHEDULE, START, tempLake } from './rest-fixtures.ts';

const KEY = 'qm-secret-KEY-4f9a1c7e2b';
const WRONG_KEY = 'qm-wrong-KEY-77aa55d0';

let sim: RunningSimulator;
const clock = createManualClock(START);
beforeAll(async () => {
  sim = await startSimulatorServers({ market: market(), apiKey: KEY, now: () => new Date(clock.now()) });
});
afterAll(() => sim.close());

/** Everything a file says: text, gunzipped text, or every value of a Parquet file plus its raw bytes. */
async function contentsOf(file: string): Promise<string> {
  const raw = await fs.promises.readFile(file);
  if (file.endsWith('.gz')) return zlib.gunzipSync(raw).toString('utf8');
  if (file.endsWith('.parquet')) {
    const db = await openDuckDb({ threads: 1 });
    try {
      const rows = (await db.connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`)).getRowObjectsJson();
      return `${JSON.stringify(rows)}\n${raw.toString('latin1')}`;
    } finally {
      db.close();
    }
  }
  return raw.toString('utf8');
}

describe('the API key stays secret', () => {
  it('is in no log line, landing file, bronze file, manifest, error or result', async () => {
    const lake = await tempLake();
    const logger = createLogger({ level: 'trace', logsDir: path.join(lake, 'logs') });
    const results: FetchRestPartitionResult[] = [];
    const client = (plan: PlanName, key = KEY, base = sim.restBase) =>
      createRestClient({
        baseUrl: base, apiKey: key, plan, clock, logger, retry: { requestAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
      });
    type Dataset = 'tickers' | 'dividends' | 'financials' | 'splits';
    const run = async (c: ReturnType<typeof client>, dataset: Dataset, date: string, pageSize?: number) => {
      results.push(await fetchRestPartition({
        lakeRoot: lake, dataset, date, client: c, gate: createTokenBucketGate({ plan: c.plan, clock }), schedule: SCHEDULE, logger,
        ...(pageSize ? { pageSize } : {}), now: () => new Date(clock.now()),
      }));
    };

    const advanced = client('advanced');
    await run(advanced, 'tickers', '2024-03-28', 25);
    sim.setFaults('rest-429:2,rest-5xx:2');
    await run(advanced, 'dividends', '2024-03-15', 10);
    sim.setFaults([]);
    sim.setPlan('starter');
    const starter = client('starter');
    await run(starter, 'financials', '2024-05-01');
    sim.setPlan('advanced');
    const wrong = client('advanced', WRONG_KEY);
    await run(wrong, 'splits', '2024-03-15');

    // An upstream that echoes the key: in next_url (as an apiKey parameter) and inside a record.
    let calls = 0;
    const echo = createServer((req, res) => {
      calls += 1;
      const base = `http://${req.headers.host}`;
      const body = calls === 1
        ? {
          status: 'OK', request_id: 'e1',
          results: [{ ticker: 'AAA', execution_date: '2024-03-11', split_from: 1, split_to: 2, id: `id-${KEY}` }],
          next_url: `${base}/v3/reference/splits?cursor=p2&apiKey=${KEY}`,
        }
        : { status: 'OK', request_id: 'e2', results: [{ ticker: 'BBB', execution_date: '2024-03-12', split_from: 1, split_to: 3 }] };
      expect(req.url).not.toContain(KEY);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoing = client('advanced', KEY, `http://127.0.0.1:${(echo.address() as AddressInfo).port}`);
    results.push(await fetchRestPartition({
      lakeRoot: lake, dataset: 'splits', date: '2024-03-11', client: echoing, gate: OPEN_GATE, schedule: SCHEDULE, logger,
    }));
    await new Promise((r) => echo.close(r));
    for (const c of [advanced, starter, wrong, echoing]) await c.close();

    expect(results.map((r) => r.state)).toEqual(['complete', 'complete', 'not_entitled', 'failed', 'complete']);
    expect(results[3]!.error).toMatch(/the API key was rejected/);
    expect(calls).toBe(2);

    const files = await filesUnder(lake);
    const logs = files.filter((f) => f.includes(`${path.sep}logs${path.sep}`));
    const logText = (await Promise.all(logs.map(contentsOf))).join('\n');
    // The log is not empty: pages, retries, the 403 and the 401 are all in it.
    expect(logText).toMatch(/rest page/);
    expect(logText).toMatch(/rest retry: 429/);
    expect(logText).toMatch(/not included in the starter plan/);
    expect(logText).toMatch(/the API key was rejected/);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    expect(files.some((f) => f.endsWith('.json.gz'))).toBe(true);
    for (const file of files) {
      const text = await contentsOf(file);
      expect(text.includes(KEY), file).toBe(false);
      expect(text.includes(WRONG_KEY), file).toBe(false);
    }
    const resultText = JSON.stringify(results);
    expect(resultText.includes(KEY) || resultText.includes(WRONG_KEY)).toBe(false);
    // The echoed page was kept with the key scrubbed, and said so.
    const echoed = (await fs.promises.readFile(path.join(results[4]!.landing!.dir, 'manifest.json'), 'utf8'));
    expect(JSON.parse(echoed).pages.map((p: { scrubbed: boolean }) => p.scrubbed)).toEqual([true, false]);
    await fs.promises.rm(lake, { recursive: true, force: true });
  });
});
