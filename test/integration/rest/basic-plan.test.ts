// A basic-plan key keeps to 5 requests a minute: the simulator enforces the free tier on its clock,
// the gate runs on the same injected clock, so minutes of waiting take no time and no 429 comes back.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRestPartition } from '../../../core/layers/bronze/rest-partition.ts';
import type { JobProgress } from '../../../core/progress/job-progress.ts';
import { createTokenBucketGate, OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import type { RestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import { clientFor, SCHEDULE, startRestSim, tempLake } from './rest-fixtures.ts';

let env: Awaited<ReturnType<typeof startRestSim>>;
let client: RestClient;

beforeAll(async () => {
  env = await startRestSim('basic');
  client = clientFor(env.sim, env.clock, 'basic');
});
afterAll(async () => {
  await client.close();
  await env.sim.close();
});

/** Most requests the simulator answered inside any sliding minute (t - 60 s, t]. */
const maxPerMinute = (times: readonly number[]) => Math.max(0, ...times.map((t) => times.filter((x) => x > t - 60_000 && x <= t).length));

describe('basic plan', () => {
  it('fetches a many-page snapshot at 5 requests a minute, without a single 429, reporting each wait', async () => {
    const lake = await tempLake();
    env.answered.length = 0;
    const gate = createTokenBucketGate({ plan: 'basic', clock: env.clock });
    const progress: JobProgress[] = [];
    const started = env.clock.now();
    const result = await fetchRestPartition({
      lakeRoot: lake, dataset: 'tickers', date: '2024-03-28', client, gate, schedule: SCHEDULE, pageSize: 20,
      onProgress: (p) => progress.push(p), now: () => new Date(env.clock.now()),
    });
    expect(result.state).toBe('complete');
    const statuses = env.answered.map((a) => a.status);
    expect(statuses.length).toBeGreaterThanOrEqual(11);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(result.requests).toBe(statuses.length);
    expect(maxPerMinute(env.answered.map((a) => a.at))).toBe(5);
    expect(env.clock.now() - started).toBe((statuses.length - 1) * 12_000);
    const waits = progress.filter((p) => p.phase === 'waiting').map((p) => p.message);
    expect(waits).toHaveLength(statuses.length - 1);
    expect(new Set(waits)).toEqual(new Set(["waiting 12 s for the basic plan's rate limit"]));
    await fs.promises.rm(lake, { recursive: true, force: true });
  });

  it('without the gate the same fetch runs into the limit (and survives it on Retry-After)', async () => {
    const lake = await tempLake();
    env.clock.advance(120_000);
    env.answered.length = 0;
    const result = await fetchRestPartition({
      lakeRoot: lake, dataset: 'tickers', date: '2024-03-28', client, gate: OPEN_GATE, schedule: SCHEDULE, pageSize: 40,
      now: () => new Date(env.clock.now()),
    });
    expect(result.state).toBe('complete');
    expect(env.answered.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    await fs.promises.rm(lake, { recursive: true, force: true });
  });
});
