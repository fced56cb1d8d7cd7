import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { fixtureRegistry, tempLakes, testWorkerContext, writeSilverDay, type FixtureBar } from './fixtures/silver-contract.ts';

// Five weeks over a month's end: a halt and a suspended (volume 0) day, a listing whose first bar is
// not valid, a delisting and a relisting whose snapshots report the delisting, a name that ends, and
// a dividend (corrected later) on AAA.
const DAYS = tradingDays('2024-01-02', '2024-02-02');
const registry = fixtureRegistry();
const newLake = tempLakes('qm-gold-append-');

function barsOf(i: number, dividendFactor = 1.02): FixtureBar[] {
  const out: FixtureBar[] = [];
  const add = (id: string, n: number, ticker: string, extra: Partial<FixtureBar> = {}) => {
    const close = Math.round((30 + n * 5 + Math.sin(i * 0.7 + n) * 2) * 100) / 100;
    const factor = id === 'FIGI_A' && i >= 18 ? dividendFactor : 1;
    const volume = 5000 + 113 * i + 17 * n;
    const prevAdjClose = i === 0 ? null : close * 0.99;
    out.push({ id, ticker, close, volume, splitFactor: 1, factor, vwap: close * 1.002, prevAdjClose, ...extra });
  };
  add('FIGI_A', 1, 'AAA');
  if (i !== 5) add('FIGI_B', 2, 'BBB', i === 7 ? { volume: 0 } : {});
  if (i >= 8) add('FIGI_C', 3, 'CCC', i === 8 ? { volume: 0 } : {});
  if (i <= 10 || i >= 15) add('FIGI_D', 4, 'DDD', i >= 15 ? { delistedDate: DAYS[11]! } : {});
  if (i <= 12) add('FIGI_E', 5, 'EEE');
  return out;
}

const spec = (lakeRoot: string, dates: string[]) => ({
  kind: 'gold-build', dataset: 'qlib_us', lakeRoot, dates, duckdb: { threads: 1, memoryLimit: '256MB' },
  registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [{ name: 'liquid2', size: 2, windowDays: 3 }],
});

/** A worker context whose log keeps the gold job's 'gold committed' entries. */
function loggingContext(entries: Array<Record<string, unknown>>) {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        if (e.msg === 'gold committed') entries.push(e);
      }
      done();
    },
  });
  return { ...testWorkerContext(), logger: pino({ level: 'info' }, stream) };
}

async function fullBuild(from: string, days: string[]): Promise<string> {
  const lake = newLake();
  fs.cpSync(path.join(from, 'silver'), path.join(lake, 'silver'), { recursive: true });
  fs.cpSync(path.join(from, 'metadata'), path.join(lake, 'metadata'), { recursive: true });
  fs.rmSync(lakePaths(lake).metadataDir('gold', 'qlib_us'), { recursive: true, force: true });
  expect((await runGoldJob(spec(lake, days), testWorkerContext(), registry)).outcome).toBe('complete');
  return lake;
}

describe('lake gold appended day by day from only the new days of silver', () => {
  it('equals a full rebuild byte for byte, and a corrected dividend rewrites only its instrument', async () => {
    const lake = newLake();
    for (let i = 0; i < DAYS.length; i++) await writeSilverDay(lake, DAYS[i]!, barsOf(i));
    // Silver holds every day; each job is asked for one more day, so it sees silver up to that day.
    const log: Array<Record<string, unknown>> = [];
    for (let i = 2; i < DAYS.length; i++) {
      const r = await runGoldJob(spec(lake, i === 2 ? DAYS.slice(0, 3) : [DAYS[i]!]), loggingContext(log), registry);
      expect(r.outcome).toBe('complete');
    }
    expect(log.map((e) => e.mode)).toEqual(['full', ...DAYS.slice(3).map(() => 'append')]);
    expect(log[0]!.fallback).toBe('gold has no generation yet');
    const dir = lakeGoldDir(lake);
    expect(readQlibInstruments(dir, 'all').map((s) => `${s.instrument} ${s.start} ${s.end}`)).toEqual([
      `AAA ${DAYS[0]} ${DAYS.at(-1)}`,
      `BBB ${DAYS[0]} ${DAYS.at(-1)}`,
      `CCC ${DAYS[8]} ${DAYS.at(-1)}`,
      `DDD ${DAYS[0]} ${DAYS[10]}`,
      `DDD ${DAYS[15]} ${DAYS.at(-1)}`,
      `EEE ${DAYS[0]} ${DAYS[12]}`,
    ]);
    expect(readQlibInstruments(dir, 'liquid2').length).toBeGreaterThan(0);
    const full = await fullBuild(lake, DAYS);
    expect(treeDiff(lakeGoldDir(full), dir)).toEqual([]);
    // Day records (the digests feature sets depend on) equal the full build's.
    for (const d of DAYS) {
      const checksum = async (root: string) => (await readPartitionRecord(root, 'gold', 'qlib_us', d))?.checksum;
      expect(await checksum(lake), d).toBe(await checksum(full));
    }

    // AAA's dividend of day 18 is corrected: silver rewrites days 18.. (only AAA's values change).
    for (let i = 18; i < DAYS.length; i++) await writeSilverDay(lake, DAYS[i]!, barsOf(i, 1.03));
    await runGoldJob(spec(lake, [DAYS.at(-1)!]), loggingContext(log), registry);
    const last = log.at(-1)!;
    expect(last.mode).toBe('update');
    expect(last.fallback).toBe(`silver changed on ${DAYS.length - 18} stored day(s) (${DAYS[18]}..${DAYS.at(-1)})`);
    expect(last.writes).toMatchObject({ put: 1, appended: 0, removed: 0 });
    const rebuilt = await fullBuild(lake, DAYS);
    expect(treeDiff(lakeGoldDir(rebuilt), dir)).toEqual([]);

    // The derivation wrote a fresh state: the next day is an append again.
    const more = tradingDays(DAYS.at(-1)!, '2024-02-20').slice(1, 3);
    for (const [k, d] of more.entries()) await writeSilverDay(lake, d, barsOf(DAYS.length + k, 1.03));
    for (const d of more) await runGoldJob(spec(lake, [d]), loggingContext(log), registry);
    expect(log.slice(-2).map((e) => e.mode)).toEqual(['append', 'append']);
    const again = await fullBuild(lake, [...DAYS, ...more]);
    expect(treeDiff(lakeGoldDir(again), dir)).toEqual([]);
  }, 120_000);
});
