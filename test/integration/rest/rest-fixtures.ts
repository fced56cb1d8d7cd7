import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { createManualClock } from '../../../core/sources/polygon/rest/rest-clock.ts';
import { createRestClient, type RestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import type { PlanName } from '../../../core/sources/polygon/rest/rest-plans.ts';
import { createMarket, type FullSimulatedMarket } from '../../../core/sources/simulator/market/index.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';

/** The demo-sized market every REST integration test shares (deterministic, cheap to build). */
export const MARKET = { seed: 42, tickers: 200, from: '2022-01-03', to: '2024-06-28' } as const;

/** The simulator's "now" at the start of each test: after the market's last day. */
export const START = Date.parse('2024-07-01T16:00:00Z');

/** When the universe is snapshotted in these tests. */
export const SCHEDULE = { tickersDailyFrom: '2024-06-03' };

let shared: FullSimulatedMarket | null = null;

/** The shared market (built once per test file). */
export function market(): FullSimulatedMarket {
  return (shared ??= createMarket({ ...MARKET }));
}

/** A simulator on a manual clock, with a log of every request it answered (status and clock time). */
export async function startRestSim(plan: PlanName = 'advanced') {
  const clock = createManualClock(START);
  const answered: Array<{ path: string; status: number; at: number }> = [];
  const sim: RunningSimulator = await startSimulatorServers({
    market: market(),
    plan,
    now: () => new Date(clock.now()),
    onRequest: (info) => {
      if (info.protocol === 'rest') answered.push({ path: info.path, status: info.status, at: clock.now() });
    },
  });
  return { sim, clock, answered };
}

/** A client for the simulator on the given clock (no real waiting in backoff). */
export function clientFor(
  sim: RunningSimulator,
  clock: ReturnType<typeof createManualClock>,
  plan: PlanName,
  apiKey = sim.apiKey,
): RestClient {
  const retry = { requestAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };
  return createRestClient({ baseUrl: sim.restBase, apiKey, plan, clock, random: () => 0.5, retry });
}

/** A new empty lake root under the OS temp folder. */
export async function tempLake(): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-rest-'));
}

/** Rows of a Parquet file (or glob) as plain objects, in file order. */
export async function readParquet(file: string, where = ''): Promise<Array<Record<string, unknown>>> {
  const db = await openDuckDb({ threads: 1 });
  try {
    const sql = `SELECT * EXCLUDE (year, month) FROM read_parquet(${sqlString(file)}, hive_partitioning = true) ${where}`;
    const reader = await db.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Rows of a rejects file. */
export async function readRejects(file: string): Promise<Array<Record<string, unknown>>> {
  const db = await openDuckDb({ threads: 1 });
  try {
    const reader = await db.connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Every file under a folder, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.promises.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}
