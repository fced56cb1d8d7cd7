/**
 * The engine's asset graph with a toy derived dataset (3-trading-day lookback over stocks_daily
 * bronze): the planner builds only what is missing; after one bronze day is rewritten exactly the
 * 3 partitions that read it are `stale` and only they are rebuilt; after a builder version bump
 * everything is rebuilt. Real ingest, real job processes, real records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import { computeCoverage } from '../../../core/lake/coverage.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { BUILT_IN_JOB_KINDS } from '../../../core/runtime/job-kinds.ts';
import { planRequest, registryOptionsOf, runEngine, type EngineRequest } from '../../../core/runtime/run-engine.ts';
import { bar, csvGz, etNs, makeTempLake, putLanding } from '../lake/lake-fixtures.ts';
import { toyJobKind, toyRegistry } from './fixtures/toy-dataset.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const DAYS = tradingDays('2024-03-04', '2024-03-13');
// Bronze starts two trading days earlier, so every toy window (3 days) is whole.
const BRONZE_DAYS = tradingDays('2024-02-29', '2024-03-13');
let dir: string;

async function ingest(date: string, volume: number): Promise<void> {
  await putLanding(dir, 'stocks_daily', date, csvGz([bar('A', etNs(date, 0), 10, 11, 12, 9, volume), bar('B', etNs(date, 0), 20, 21, 22, 19, volume * 2)]));
  const r = await ingestDay({ lakeRoot: dir, dataset: 'stocks_daily', date, duckdb: { threads: 1, memoryLimit: '256MB' } });
  expect(r.state).toBe('complete');
}

function host(builderVersion: number) {
  const configFile = path.join(dir, 'config.yaml');
  if (!fs.existsSync(configFile)) fs.writeFileSync(configFile, 'demo:\n  tickers: 5\n');
  const config = loadConfig({ config: configFile, dataRoot: dir, source: 'demo' });
  const source = effectiveSource(config);
  return {
    settings: config.settings,
    source,
    launcher: createNodeProcessLauncher(),
    command: 'test',
    registry: toyRegistry(registryOptionsOf(config.settings), builderVersion),
    kinds: [...BUILT_IN_JOB_KINDS, toyJobKind(builderVersion)],
  };
}

const toyCells: EngineRequest = { target: { kind: 'cells', cells: DAYS.map((date) => ({ dataset: 'toy_3d', layer: 'silver' as const, date })) } };

async function toyStates(builderVersion: number): Promise<string[]> {
  const h = host(builderVersion);
  const [cov] = await computeCoverage({ lakeRoot: dir, registry: h.registry, datasets: ['toy_3d'], layer: 'silver', from: DAYS[0]!, to: DAYS.at(-1)!, now: new Date('2024-06-01T00:00:00Z') });
  return cov!.cells.filter((c) => c.state !== 'non_trading').map((c) => c.state);
}

beforeAll(async () => {
  dir = await makeTempLake('qm-engine-');
  for (const [i, d] of BRONZE_DAYS.entries()) await ingest(d, 100 + i);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the planner over a derived dataset with a 3-trading-day lookback', () => {
  it('plans only what is missing, with nothing upstream to do (bronze is fresh)', async () => {
    // Two partitions exist already: the plan must not rebuild them.
    const first = await runEngine(host(1), { target: { kind: 'cells', cells: [DAYS[2]!, DAYS[3]!].map((date) => ({ dataset: 'toy_3d', layer: 'silver' as const, date })) } });
    expect(first.summary?.jobs.map((j) => [j.id, j.state, j.error ?? ''])).toEqual([DAYS[2], DAYS[3]].map((d) => [`toy-build:toy_3d:${d}`, 'complete', '']));
    const plan = await planRequest(host(1), toyCells);
    expect(plan.jobs.map((j) => j.id)).toEqual(DAYS.filter((_, i) => i !== 2 && i !== 3).map((d) => `toy-build:toy_3d:${d}`));
    expect(plan.totals.upToDate).toBe(2);
    const run = await runEngine(host(1), toyCells);
    expect(run.summary?.state).toBe('complete');
    expect(await toyStates(1)).toEqual(DAYS.map(() => 'complete'));
    expect((await planRequest(host(1), toyCells)).jobs).toEqual([]);
  }, 180_000);

  it('marks exactly the 3 partitions that read a rewritten bronze day stale, and rebuilds only them', async () => {
    const changed = DAYS[4]!;
    await ingest(changed, 9999);
    const states = await toyStates(1);
    expect(states).toEqual(DAYS.map((_, i) => (i >= 4 && i <= 6 ? 'stale' : 'complete')));
    const plan = await planRequest(host(1), toyCells);
    expect(plan.jobs.map((j) => j.dates[0])).toEqual([DAYS[4], DAYS[5], DAYS[6]]);
    expect(plan.jobs[0]!.reason).toMatch(/stocks_daily bronze .* changed since this was built/);
    await runEngine(host(1), toyCells);
    expect(await toyStates(1)).toEqual(DAYS.map(() => 'complete'));
  }, 180_000);

  it('re-ingesting a bronze day with the same content changes nothing downstream', async () => {
    await ingest(DAYS[7]!, 100 + BRONZE_DAYS.indexOf(DAYS[7]!));
    expect(await toyStates(1)).toEqual(DAYS.map(() => 'complete'));
  }, 60_000);

  it('rebuilds everything after a builder version bump', async () => {
    expect(await toyStates(2)).toEqual(DAYS.map(() => 'stale'));
    const plan = await planRequest(host(2), toyCells);
    expect(plan.jobs).toHaveLength(DAYS.length);
    expect(plan.jobs[0]!.reason).toMatch(/builder version 1; the code is at version 2/);
    await runEngine(host(2), toyCells);
    expect(await toyStates(2)).toEqual(DAYS.map(() => 'complete'));
  }, 180_000);

  it('plans a derived partition whose input is missing with the jobs that bring the input first', async () => {
    fs.rmSync(path.join(dir, 'bronze', 'stocks_daily', 'year=2024', 'month=03', `${DAYS[7]}.parquet`), { force: true });
    // The toy partition itself is up to date (its input's record did not change), so ask for a rebuild.
    const plan = await planRequest(host(2), { target: { kind: 'cells', cells: [{ dataset: 'toy_3d', layer: 'silver', date: DAYS[7]! }] }, force: true });
    const ids = plan.jobs.map((j) => j.id);
    expect(ids).toContain(`ingest:stocks_daily:${DAYS[7]}`);
    const toy = plan.jobs.find((j) => j.kind === 'toy-build')!;
    expect(toy.dependsOn).toContain(`ingest:stocks_daily:${DAYS[7]}`);
    expect(ids.indexOf(`ingest:stocks_daily:${DAYS[7]}`)).toBeLessThan(ids.indexOf(toy.id));
  });
});
