import { describe, expect, it } from 'vitest';
import { GOLD_BUILDER_VERSION } from '../../../core/datasets/index.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { MARKET_DAYS, marketDay } from './fixtures/contract-market.ts';
import { fixtureRegistry, tempLakes, testWorkerContext, writeSilverDay } from './fixtures/silver-contract.ts';

const registry = fixtureRegistry();
const newLake = tempLakes('qm-lake-gold-');

const spec = (lakeRoot: string, dates: string[]) => ({
  kind: 'gold-build', dataset: 'qlib_us', lakeRoot, dates, duckdb: { threads: 1, memoryLimit: '256MB' },
  registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [{ name: 'liquid3', size: 3, windowDays: 5 }],
});

async function writeSilver(lakeRoot: string, from: number, to: number, dividend = 0.5): Promise<void> {
  for (let i = from; i <= to; i++) {
    const d = marketDay(i, dividend);
    await writeSilverDay(lakeRoot, d.date, d.bars);
  }
}

describe('gold built from silver (column contract of stocks_daily_adjusted and universe)', () => {
  it('day-by-day updates over 60 days (split, dividend, rename, listing, delisting, relisting) equal a full rebuild, byte for byte', async () => {
    const daily = newLake();
    await writeSilver(daily, 0, 4);
    expect((await runGoldJob(spec(daily, MARKET_DAYS.slice(0, 5)), testWorkerContext(), registry)).outcome).toBe('complete');
    for (let i = 5; i < 60; i++) {
      await writeSilver(daily, i, i);
      const r = await runGoldJob(spec(daily, [MARKET_DAYS[i]!]), testWorkerContext(), registry);
      expect(r.outcome).toBe('complete');
    }
    const full = newLake();
    await writeSilver(full, 0, 59);
    await runGoldJob(spec(full, MARKET_DAYS), testWorkerContext(), registry);
    expect(treeDiff(lakeGoldDir(full), lakeGoldDir(daily))).toEqual([]);

    const dir = lakeGoldDir(daily);
    expect(readQlibCalendar(dir)).toEqual(MARKET_DAYS);
    const spans = readQlibInstruments(dir, 'all').map((s) => `${s.instrument} ${s.start} ${s.end}`);
    expect(spans).toEqual([
      `AAA ${MARKET_DAYS[0]} ${MARKET_DAYS[59]}`,
      `BBX ${MARKET_DAYS[0]} ${MARKET_DAYS[59]}`, // renamed: one series under its current symbol
      `CCC ${MARKET_DAYS[20]} ${MARKET_DAYS[59]}`, // new listing
      `DDD ${MARKET_DAYS[50]} ${MARKET_DAYS[59]}`, // the symbol's new holder keeps it
      `DDD_FIGID ${MARKET_DAYS[0]} ${MARKET_DAYS[40]}`, // delisted: its real last day, under a code of its own
      `EEE ${MARKET_DAYS[0]} ${MARKET_DAYS[15]}`,
      `EEE ${MARKET_DAYS[30]} ${MARKET_DAYS[59]}`, // relisted: a second span
    ]);
    // Yahoo convention: first close 1, $close/$factor the raw close, continuous across the split.
    const close = readQlibFeature(dir, 'AAA', 'close')!.values;
    const factor = readQlibFeature(dir, 'AAA', 'factor')!.values;
    expect(close[0]).toBe(1);
    for (const i of [0, 24, 25, 40]) {
      const rawClose = marketDay(i).bars.find((b) => b.id === 'FIGI_A')!.close;
      expect(close[i]! / factor[i]!).toBeCloseTo(rawClose, 4);
    }
    expect(Math.abs(close[25]! / close[24]! - 1)).toBeLessThan(0.2);
    // A day without a bar (a halt) is NaN inside the span; the gap between two spans is NaN too.
    const eee = readQlibFeature(dir, 'EEE', 'close')!.values;
    expect(Number.isNaN(eee[10]!)).toBe(true);
    expect(Number.isNaN(eee[20]!)).toBe(true);
    expect(eee.length).toBe(60);
    expect(readQlibInstruments(dir, 'liquid3').length).toBeGreaterThan(0);
    const rec = await readPartitionRecord(daily, 'gold', 'qlib_us', MARKET_DAYS[59]!);
    expect(rec).toMatchObject({ status: 'complete', rows: 5, builderVersion: GOLD_BUILDER_VERSION });
    expect(rec!.inputs!.map((x) => x.dataset)).toEqual(['stocks_daily_adjusted', 'universe']);
  }, 240_000);

  it('a corrected corporate action rewrites only that instrument, and equals a rebuild', async () => {
    const lake = newLake();
    await writeSilver(lake, 0, 44);
    await runGoldJob(spec(lake, MARKET_DAYS.slice(0, 45)), testWorkerContext(), registry);
    const dir = lakeGoldDir(lake);
    const early = await readPartitionRecord(lake, 'gold', 'qlib_us', MARKET_DAYS[20]!);
    // The dividend of day 35 is corrected: silver rewrites days 35.. (only AAA's rows change); then day 45 arrives.
    await writeSilver(lake, 35, 45, 0.75);
    const r = await runGoldJob(spec(lake, [MARKET_DAYS[45]!]), testWorkerContext(), registry);
    expect(r.outcome).toBe('complete');
    const rebuilt = newLake();
    await writeSilver(rebuilt, 0, 45, 0.75);
    await runGoldJob(spec(rebuilt, MARKET_DAYS.slice(0, 46)), testWorkerContext(), registry);
    expect(treeDiff(lakeGoldDir(rebuilt), dir)).toEqual([]);
    // The days whose values changed got new records (AAA from day 35), the others kept theirs.
    const r34 = await readPartitionRecord(lake, 'gold', 'qlib_us', MARKET_DAYS[34]!);
    const r36 = await readPartitionRecord(lake, 'gold', 'qlib_us', MARKET_DAYS[36]!);
    const f34 = await readPartitionRecord(rebuilt, 'gold', 'qlib_us', MARKET_DAYS[34]!);
    const f36 = await readPartitionRecord(rebuilt, 'gold', 'qlib_us', MARKET_DAYS[36]!);
    expect(r34!.checksum).toBe(f34!.checksum);
    expect(r36!.checksum).toBe(f36!.checksum);
    expect((await readPartitionRecord(lake, 'gold', 'qlib_us', MARKET_DAYS[20]!))!.finishedAt).toBe(early!.finishedAt);
  }, 240_000);

  it('fails the days silver has no bars for, naming them', async () => {
    const lake = newLake();
    await writeSilver(lake, 0, 2);
    const r = await runGoldJob(spec(lake, MARKET_DAYS.slice(0, 4)), testWorkerContext(), registry);
    expect(r.outcome).toBe('degraded');
    const rec = await readPartitionRecord(lake, 'gold', 'qlib_us', MARKET_DAYS[3]!);
    expect(rec).toMatchObject({ status: 'failed', lastError: `silver stocks_daily_adjusted has no partition for ${MARKET_DAYS[3]}` });
  }, 60_000);
});
