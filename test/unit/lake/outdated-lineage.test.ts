/**
 * Staleness flows downstream through lineage, over real records on a temp lake: a toy chain of a
 * bronze dataset, a silver one read same-day, a gold one read same-day from the silver, a silver
 * one reading all bronze up to its day as present, and one reading all gold up to its day (as a
 * feature set does). Records are written with the lineage a
 * builder would record (currentLineage), then a bronze day is rewritten with other data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { loadConfig } from '../../../core/config/index.ts';
import { createRegistry, type DatasetEntry, type DatasetRegistry, type PartitionRef } from '../../../core/datasets/index.ts';
import type { JobKindPlugin, PlanContext } from '../../../core/jobs/job-kind.ts';
import { computeCoverage } from '../../../core/lake/coverage.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { createLineageReader, currentLineage, outdatedReason, staleReason } from '../../../core/lake/lineage.ts';
import { writePartitionRecord } from '../../../core/lake/partition-records.ts';
import { planTargets } from '../../../core/runtime/planner.ts';
import type { Layer } from '../../../core/vocabulary/layers.ts';

const DAYS = tradingDays('2024-03-04', '2024-03-08');
const NOW = new Date('2024-06-03T12:00:00Z');
const CHANGED = DAYS[2]!;

function entry(id: string, layer: Layer, job: string, inputs: DatasetEntry['layers'][number]['inputs']): DatasetEntry {
  return { id, title: id, kind: 'derived', firstDate: DAYS[0]!, enabledByDefault: true, layers: [{ layer, job, builderVersion: 1, storage: 'records', inputs }] };
}

const registry: DatasetRegistry = createRegistry([
  entry('raw', 'bronze', 'toy-ingest', []),
  entry('clean', 'silver', 'toy-silver', [{ dataset: 'raw', layer: 'bronze', window: { kind: 'same-day' } }]),
  entry('cumulative', 'silver', 'toy-silver', [{ dataset: 'raw', layer: 'bronze', window: { kind: 'all-up-to' }, presentOnly: true }]),
  entry('qlib_toy', 'gold', 'toy-gold', [{ dataset: 'clean', layer: 'silver', window: { kind: 'same-day' } }]),
  // Like a feature set: every gold day up to its own, as present.
  entry('signal', 'silver', 'toy-silver', [{ dataset: 'qlib_toy', layer: 'gold', window: { kind: 'all-up-to' }, presentOnly: true }]),
]);

const kinds: JobKindPlugin[] = (['toy-ingest', 'toy-silver', 'toy-gold'] as const).map((kind, i) => ({
  kind, resource: 'compute', writes: (['bronze', 'silver', 'gold'] as const)[i]!, spec: () => ({}),
}));

let dir: string;

/** Writes a complete record for `ref`, with the lineage of the lake as it is now and a checksum standing for its data. */
async function build(ref: PartitionRef, data = 'v1'): Promise<void> {
  const lineage = currentLineage(registry, createLineageReader(dir), ref);
  await writePartitionRecord(dir, {
    ...ref, status: 'complete', rows: 1, bytes: 1, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0, attempts: 1, lastError: null,
    startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), durationMs: 0, checksum: `${ref.dataset}-${ref.date}-${data}`, ...lineage,
  });
}

async function cells(dataset: string, layer: Layer): Promise<Array<{ state: string; lastError: string | null }>> {
  const [cov] = await computeCoverage({ lakeRoot: dir, registry, datasets: [dataset], layer, from: DAYS[0]!, to: DAYS.at(-1)!, now: NOW });
  return cov!.cells.filter((c) => c.state !== 'non_trading').map(({ state, lastError }) => ({ state, lastError }));
}

const states = async (dataset: string, layer: Layer) => (await cells(dataset, layer)).map((c) => c.state);
const only = (date: string, state: string) => DAYS.map((d) => (d === date ? state : 'complete'));

function planContext(): PlanContext {
  const settings = loadConfig({ config: path.join(dir, 'config.yaml'), dataRoot: dir, source: 'demo' }, {}).settings;
  return { lakeRoot: dir, registry, settings, now: NOW, reader: createLineageReader(dir, { persistIndex: false }) };
}

beforeEach(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-outdated-'));
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'demo:\n  tickers: 5\n');
  for (const date of DAYS) await build({ dataset: 'raw', layer: 'bronze', date });
  for (const date of DAYS) await build({ dataset: 'clean', layer: 'silver', date });
  for (const date of DAYS) await build({ dataset: 'cumulative', layer: 'silver', date });
  for (const date of DAYS) await build({ dataset: 'qlib_toy', layer: 'gold', date });
  for (const date of DAYS) await build({ dataset: 'signal', layer: 'silver', date });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('staleness through lineage', () => {
  it('a chain built from unchanged inputs is complete in every layer', async () => {
    expect(await states('clean', 'silver')).toEqual(DAYS.map(() => 'complete'));
    expect(await states('cumulative', 'silver')).toEqual(DAYS.map(() => 'complete'));
    expect(await states('qlib_toy', 'gold')).toEqual(DAYS.map(() => 'complete'));
  });

  it('a bronze day rewritten with the same data changes nothing downstream', async () => {
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED });
    expect(await states('clean', 'silver')).toEqual(DAYS.map(() => 'complete'));
    expect(await states('qlib_toy', 'gold')).toEqual(DAYS.map(() => 'complete'));
  });

  it('a bronze day rewritten with other data makes what reads it stale, and its gold through its silver', async () => {
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED }, 'v2');
    expect(await states('clean', 'silver')).toEqual(only(CHANGED, 'stale'));
    // "Everything up to D" reads the day from it on.
    expect(await states('cumulative', 'silver')).toEqual(DAYS.map((d) => (d >= CHANGED ? 'stale' : 'complete')));
    const gold = await cells('qlib_toy', 'gold');
    expect(gold.map((c) => c.state)).toEqual(only(CHANGED, 'stale'));
    expect(gold[DAYS.indexOf(CHANGED)]!.lastError).toBe(`its input clean silver ${CHANGED} is stale (raw bronze ${CHANGED} changed since this was built)`);
    // Gold's own lineage is intact (its silver file has not changed yet): only the walk upstream sees it.
    const reader = createLineageReader(dir);
    const ref = { dataset: 'qlib_toy', layer: 'gold' as const, date: CHANGED };
    expect(staleReason(registry, reader, ref, reader.record(ref)!)).toBeNull();
    expect(outdatedReason(registry, reader, ref, reader.record(ref)!)).toMatch(/^its input clean silver/);
  });

  it('rebuilding the silver day leaves its gold stale by its own lineage; rebuilding gold makes both complete', async () => {
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED }, 'v2');
    await build({ dataset: 'clean', layer: 'silver', date: CHANGED }, 'v2');
    expect(await states('clean', 'silver')).toEqual(DAYS.map(() => 'complete'));
    const gold = await cells('qlib_toy', 'gold');
    expect(gold.map((c) => c.state)).toEqual(only(CHANGED, 'stale'));
    expect(gold[DAYS.indexOf(CHANGED)]!.lastError).toMatch(/^clean silver .* changed since this was built$/);
    await build({ dataset: 'qlib_toy', layer: 'gold', date: CHANGED }, 'v2');
    expect(await states('qlib_toy', 'gold')).toEqual(DAYS.map(() => 'complete'));
  });

  it('goes on through gold to what reads gold, naming the stale partition at the root', async () => {
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED }, 'v2');
    const signal = await cells('signal', 'silver');
    expect(signal.map((c) => c.state)).toEqual(DAYS.map((d) => (d >= CHANGED ? 'stale' : 'complete')));
    expect(signal.at(-1)!.lastError).toBe(`its input qlib_toy gold ${CHANGED} is stale (upstream, clean silver ${CHANGED}: raw bronze ${CHANGED} changed since this was built)`);
  });

  it('a long-lived process reusing what it derived still sees a rewrite made after', async () => {
    // Settled folders (older than the index's racy window): answers and series are reused between requests.
    const old = new Date(Date.now() - 3_600_000);
    for (const layer of ['bronze', 'silver', 'gold'] as const) {
      for (const dataset of ['raw', 'clean', 'cumulative', 'qlib_toy', 'signal']) {
        const file = lakePaths(dir).metadataFile(layer, dataset, CHANGED);
        if (fs.existsSync(file)) fs.utimesSync(path.dirname(file), old, old);
      }
    }
    expect(await states('qlib_toy', 'gold')).toEqual(DAYS.map(() => 'complete'));
    expect(await states('qlib_toy', 'gold')).toEqual(DAYS.map(() => 'complete'));
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED }, 'v2');
    expect(await states('qlib_toy', 'gold')).toEqual(only(CHANGED, 'stale'));
  });

  it('selecting a gold cell whose silver is stale plans the silver build, then gold', async () => {
    await build({ dataset: 'raw', layer: 'bronze', date: CHANGED }, 'v2');
    const plan = await planTargets([{ dataset: 'qlib_toy', layer: 'gold', date: CHANGED }], planContext(), kinds);
    expect(plan.jobs.map((j) => [j.id, j.dependsOn])).toEqual([
      [`toy-silver:clean:${CHANGED}`, []],
      [`toy-gold:qlib_toy:${CHANGED}`, [`toy-silver:clean:${CHANGED}`]],
    ]);
    expect(plan.items[0]!.state).toBe('stale');
    expect(plan.jobs[0]!.reason).toBe(`raw bronze ${CHANGED} changed since this was built`);
  });

  it('with only the targets built, a target still waits for the target it reads', async () => {
    const targets = [{ dataset: 'qlib_toy', layer: 'gold' as const, date: CHANGED }, { dataset: 'clean', layer: 'silver' as const, date: CHANGED }];
    // Forced, as a rebuild from scratch is: both are built whatever they read.
    const plan = await planTargets(targets, planContext(), kinds, { withInputs: false, force: true });
    expect(plan.jobs.map((j) => [j.id, j.dependsOn])).toEqual([
      [`toy-silver:clean:${CHANGED}`, []],
      [`toy-gold:qlib_toy:${CHANGED}`, [`toy-silver:clean:${CHANGED}`]],
    ]);
  });

  it('an out-of-date partition read only as present is rebuilt first; a missing one is not', async () => {
    // Bronze is stale itself now (builder bump), and one earlier bronze day is gone.
    const bumped = createRegistry(registry.entries.map((e) => (e.id === 'raw' ? { ...e, layers: [{ ...e.layers[0]!, builderVersion: 2 }] } : e)));
    fs.rmSync(lakePaths(dir).metadataFile('bronze', 'raw', DAYS[0]!));
    const ctx = { ...planContext(), registry: bumped };
    const last = DAYS.at(-1)!;
    const plan = await planTargets([{ dataset: 'cumulative', layer: 'silver', date: last }], ctx, kinds);
    const ingests = plan.jobs.filter((j) => j.kind === 'toy-ingest');
    expect(ingests.map((j) => j.dates[0])).toEqual(DAYS.slice(1));
    const target = plan.jobs.find((j) => j.dataset === 'cumulative')!;
    expect(target.dependsOn).toEqual(ingests.map((j) => j.id).sort());
    expect(plan.jobs.at(-1)).toBe(target);
  });
});
