/**
 * REST benchmark: fetchRestPartition of one trading day of every REST dataset on the simulator
 * (a full-size 12,000-ticker market; month-kind datasets fetch the month holding the day), each
 * beside the same requests (the URLs its landing manifest lists) made with bare undici in the same
 * run: request, read the body, JSON.parse, nothing kept. The difference is what landing, parsing,
 * validation and the DuckDB bronze write cost. Then the bronze load methods side by side.
 * Run alone: `node --import tsx bench/rest-bench.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { writeRestBronze, type BronzeLoadMethod } from '../core/layers/bronze/rest-bronze-writer.ts';
import { fetchRestPartition, type FetchRestPartitionResult } from '../core/layers/bronze/rest-partition.ts';
import { rowsFromPages } from '../core/layers/bronze/rest-rows.ts';
import { readLandingManifest, readLandingPage } from '../core/sources/polygon/rest/landing-pages.ts';
import { OPEN_GATE } from '../core/sources/polygon/rest/rate-gate.ts';
import { createRestClient } from '../core/sources/polygon/rest/rest-client.ts';
import type { RestDatasetId } from '../core/datasets/rest-dataset-types.ts';
import { restDataset } from '../core/datasets/rest-datasets.ts';
import { createMarket } from '../core/sources/simulator/market/index.ts';
import { startSimulatorServers } from '../core/sources/simulator/simulator-servers.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';

const MARKET = { seed: 42, tickers: 12_000, from: '2023-01-03', to: '2024-06-28' } as const;
const DAY = '2024-05-13';
const NOW = new Date('2024-07-01T16:00:00Z');
// Daily universe snapshots from May, so ticker_events of DAY is the one-day interval after 2024-05-10.
const SCHEDULE = { tickersDailyFrom: '2024-05-01' };
const ORDER: RestDatasetId[] = [
  'tickers', 'ticker_events', 'splits', 'dividends', 'ipos', 'financials', 'news', 'short_interest', 'short_volume',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The same GETs with bare undici: one pooled Agent, Bearer header, body read and parsed. */
async function bareUndici(urls: readonly string[], apiKey: string, agent: Agent): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  let bytes = 0;
  for (const url of urls) {
    const res = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`bare undici: ${res.statusCode} for ${url}`);
    JSON.parse(text);
    bytes += Buffer.byteLength(text);
  }
  return { ms: performance.now() - started, bytes };
}

/** Times the two bronze load methods on the rows of one landed unit (medians of 5). */
async function loadMethods(lake: string, result: FetchRestPartitionResult): Promise<BenchRow> {
  const decl = restDataset(result.dataset);
  const manifest = (await readLandingManifest(result.landing!.dir))!;
  const read = async (file: string): Promise<unknown> => JSON.parse((await readLandingPage(result.landing!.dir, file)).toString('utf8'));
  const pages = await Promise.all(manifest.pages.map(async (p, i) => ({ json: await read(p.file), page: i + 1, id: p.id })));
  const parsed = rowsFromPages(decl, result.unit!, pages);
  const partitions = result.unit!.partitions.map((date) => ({ date, rows: parsed.byPartition.get(date) ?? [], rejects: [] }));
  const time = async (method: BronzeLoadMethod) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await writeRestBronze({ lakeRoot: lake, decl, partitions, method });
      runs.push(performance.now() - started);
    }
    return median(runs);
  };
  const appender = await time('appender');
  const ndjson = await time('ndjson');
  return {
    name: `bronze write ${decl.id} (${parsed.records.toLocaleString('en-US')} rows): appender`,
    value: appender, unit: 'ms', peer: { name: 'typed read of temp NDJSON', value: ndjson, unit: 'ms' },
  };
}

/** Runs the REST figures. */
export async function runRestBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const built = performance.now();
  const market = createMarket({ ...MARKET });
  const sim = await startSimulatorServers({ market, now: () => NOW });
  const lake = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-rest-bench-'));
  const client = createRestClient({ baseUrl: sim.restBase, apiKey: sim.apiKey, plan: 'advanced' });
  const agent = new Agent({ connections: 8 });
  try {
    const fetchOne = (dataset: RestDatasetId, date: string) =>
      fetchRestPartition({ lakeRoot: lake, dataset, date, client, gate: OPEN_GATE, schedule: SCHEDULE, now: () => NOW });
    // Setup, not measured: the previous day's snapshot (ticker_events diffs against it), and one pass
    // over every dataset so the simulator's lazily built records are warm for both contestants.
    await fetchOne('tickers', '2024-05-10');
    for (const id of ORDER) await fetchOne(id, DAY);
    const setup = `setup: ${MARKET.tickers.toLocaleString('en-US')}-ticker market, warm-up fetch of every dataset`;
    rows.push({ name: setup, value: performance.now() - built, unit: 'ms' });

    let oursMs = 0;
    let bareMs = 0;
    let requests = 0;
    const results = new Map<RestDatasetId, FetchRestPartitionResult>();
    for (const id of ORDER) {
      const started = performance.now();
      const result = await fetchOne(id, DAY);
      const ms = performance.now() - started;
      if (result.state !== 'complete') throw new Error(`${id}: ${result.state} ${result.error ?? ''}`);
      results.set(id, result);
      const manifest = (await readLandingManifest(result.landing!.dir))!;
      const bare = await bareUndici(manifest.pages.map((p) => p.url), sim.apiKey, agent);
      const n = Math.max(1, result.requests);
      oursMs += ms;
      bareMs += bare.ms;
      requests += n;
      const unit = result.unit!.partitions.length > 1 ? `${result.unit!.from}..${result.unit!.to}` : result.unit!.key;
      rows.push({
        name: `${id} ${unit}: ${result.pages} pages, ${(result.landing!.sourceBytes / 1e6).toFixed(2)} MB, `
          + `${result.rows.toLocaleString('en-US')} rows`,
        value: n / (ms / 1000), unit: 'req/s',
        peer: { name: 'bare undici', value: n / (bare.ms / 1000), unit: 'req/s' },
      });
    }
    rows.push({
      name: `all ${ORDER.length} datasets: ${requests} requests, fetch -> landing -> bronze`,
      value: oursMs, unit: 'ms', peer: { name: 'bare undici', value: bareMs, unit: 'ms' },
    });
    rows.push(await loadMethods(lake, results.get('tickers')!));
    rows.push(await loadMethods(lake, results.get('short_volume')!));
    return rows;
  } finally {
    await client.close();
    await agent.close();
    await sim.close();
    await fs.promises.rm(lake, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runRestBench();
  console.log(formatBenchTable(`rest (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
}
