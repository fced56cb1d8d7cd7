// A dividend corrected upstream after it was fetched (simulator fault dividend-corrected@DATE): the
// next update's lookback window includes its partition, the refetch sees the new amount, replaces
// only that partition's content, and says the unit's data changed.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRestPartition } from '../../../core/layers/bronze/rest-partition.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { restPartitionsToRefresh } from '../../../core/datasets/rest-refresh-windows.ts';
import type { RestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import { clientFor, market, readParquet, SCHEDULE, startRestSim, tempLake } from './rest-fixtures.ts';

let env: Awaited<ReturnType<typeof startRestSim>>;
let client: RestClient;
beforeAll(async () => {
  env = await startRestSim('advanced');
  client = clientFor(env.sim, env.clock, 'advanced');
});
afterAll(async () => {
  await client.close();
  await env.sim.close();
});

describe('dividend corrected upstream', () => {
  it('is picked up by the next update\'s lookback and replaces only its partition', async () => {
    const lake = await tempLake();
    const today = '2024-06-28';
    // A dividend inside the 30-trading-day lookback of an update on `today`.
    const target = market().dividends().filter((d) => d.exDividendDate >= '2024-05-20' && d.exDividendDate < today)[0]!;
    const fetchUnit = (date: string) =>
      fetchRestPartition({
        lakeRoot: lake, dataset: 'dividends', date, client, gate: OPEN_GATE, schedule: SCHEDULE, now: () => new Date(env.clock.now()),
      });

    const before = await fetchUnit(target.exDividendDate);
    expect(before.state).toBe('complete');
    const file = lakePaths(lake).bronzeFile('dividends', target.exDividendDate);
    const amountIn = async () => (await readParquet(file)).find((r) => r.id === target.id)!.cash_amount as number;
    expect(await amountIn()).toBe(target.cashAmount);
    const others = before.partitions.filter((p) => p.date !== target.exDividendDate);
    const otherRows = async () => Promise.all(others.map((p) => readParquet(p.file)));
    const othersBefore = await otherRows();

    // Upstream corrects it after the fact; the next update's refresh plan covers its unit.
    env.clock.advance(86_400_000);
    env.sim.setFaults(`dividend-corrected@${target.exDividendDate}/${target.ticker}`);
    const plan = restPartitionsToRefresh('dividends', today, SCHEDULE);
    expect(plan.partitions).toContain(target.exDividendDate);
    const unit = plan.units.find((u) => u.partitions.includes(target.exDividendDate))!;
    const after = await fetchUnit(unit.key);
    expect(after.state).toBe('complete');
    expect(after.landing!.changed).toBe(true);
    expect(await amountIn()).toBeCloseTo(target.cashAmount + 0.01, 10);
    // Same row count, and every other partition holds exactly the rows it held before.
    expect(after.rows).toBe(before.rows);
    expect(await otherRows()).toEqual(othersBefore);
    // Lineage: the bronze records carry the new landing content checksum.
    const rec = after.records.find((r) => r.layer === 'bronze' && r.date === target.exDividendDate)!;
    expect(rec.sourceChecksum).toBe(after.landing!.contentChecksum);
    expect(rec.sourceChecksum).not.toBe(before.landing!.contentChecksum);

    // Fetching again with the correction still in force changes nothing more.
    const again = await fetchUnit(unit.key);
    expect(again.landing!.changed).toBe(false);
    env.sim.setFaults([]);
    await fs.promises.rm(lake, { recursive: true, force: true });
  });
});
