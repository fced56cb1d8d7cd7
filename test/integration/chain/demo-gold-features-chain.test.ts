import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { demoCliLake, type DemoCliLake } from './fixtures/demo-cli-lake.ts';

// gold.withFeatures through the real CLI and planner on a small demo lake: each update runs gold,
// then the feature set computed from it, then the set's values written into gold as fields.
const DAYS = tradingDays('2024-03-04', '2024-03-07');
const DATASETS = ['stocks_daily', 'splits', 'dividends', 'tickers', 'adjustment_factors', 'stocks_daily_adjusted', 'universe', 'qlib_us', 'features_daily'];

let demo: DemoCliLake;
let lake = '';
const cli = (...args: string[]) => demo.cli(...args);

beforeAll(() => {
  demo = demoCliLake('qm-gold-features-chain-', { tickers: 6, datasets: DATASETS, yaml: 'gold:\n  withFeatures: daily@1\n' });
  lake = demo.lake;
});
afterAll(() => demo.remove());

describe('demo lake: gold with a feature set\'s columns (gold.withFeatures)', () => {
  it('update writes the set\'s values into gold after the set is built, for every day, the same field set every day', async () => {
    const shown = await cli('--json', 'config', 'show');
    expect(JSON.parse(shown.stdout)).toMatchObject({ settings: { gold: { withFeatures: 'daily@1', minute: { extendedHours: false } } } });
    const first = await cli('update', '--date', DAYS[2]!, '--days-back', '3');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/1 gold-feature-columns/);
    const second = await cli('update', '--date', DAYS[3]!, '--days-back', '1');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/1 gold-build, 1 feature-build, 1 gold-feature-columns/);

    const dir = lakeGoldDir(lake);
    expect(readQlibCalendar(dir)).toEqual(DAYS);
    const inst = readQlibInstruments(dir, 'all')[0]!.instrument;
    const close = readQlibFeature(dir, inst, 'close')!;
    for (const f of ['daily_return', 'price_range', 'relative_volume']) {
      const bin = readQlibFeature(dir, inst, f)!;
      expect([f, bin.start, bin.values.length]).toEqual([f, close.start, close.values.length]);
      expect(Number.isNaN(bin.values.at(-1)!)).toBe(false); // the last day's value arrived with its chain
    }
    for (const d of DAYS) expect(await readPartitionRecord(lake, 'gold', 'features_daily', d)).toMatchObject({ status: 'complete' });
  }, 600_000);
});
