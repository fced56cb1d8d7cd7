// The lake's 1-minute gold from bronze minute bars (window_start as bronze types it, TIMESTAMPTZ) and silver's adjusted bars: five days around the
// 2024-11-29 early close, a split, a new listing, a day a listed name has no trades, pre-market bars.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { etToUtcMs } from '../../../core/calendar/eastern-time.ts';
import { parseIsoDate } from '../../../core/calendar/iso-date.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { runMinuteGoldJob } from '../../../core/layers/gold/minute-gold-job.ts';
import { minuteSessionOf } from '../../../core/layers/gold/minute-gold-job-kind.ts';
import { loadConfig } from '../../../core/config/index.ts';
import { createLakeRegistry, DEFAULT_TICKERS_DAILY_FROM } from '../../../core/datasets/index.ts';
import { registryOptionsOf } from '../../../core/runtime/run-engine.ts';
import type { WorkerContext } from '../../../core/process/worker-main.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { fixtureRegistry, tempLakes, testWorkerContext, writeFixturePartition, writeSilverDay, type FixtureBar } from './fixtures/silver-contract.ts';

const DAYS = ['2024-11-26', '2024-11-27', '2024-11-29', '2024-12-02', '2024-12-03']; // 11-29 closes at 13:00
const registry = fixtureRegistry();
const newLake = tempLakes('qm-minute-gold-');

interface MinuteRow { ticker: string; minute: number; open: number; high: number; low: number; close: number; volume: number }

/** Day i: AAA splits 2-for-1 on day 3 (factor 2 from then), BBB has a day bar but no minute bars on day 1, CCC lists on day 3. */
function day(i: number, corrected = false): { date: string; bars: FixtureBar[]; minutes: MinuteRow[] } {
  const date = DAYS[i]!;
  const bars: FixtureBar[] = [];
  const minutes: MinuteRow[] = [];
  const add = (id: string, ticker: string, base: number, factor: number, withMinutes: boolean) => {
    const close = Math.round(base * 100) / 100;
    bars.push({ id, ticker, close, volume: 5000 + i, splitFactor: factor, factor, vwap: close, prevAdjClose: null });
    if (!withMinutes) return;
    const count = date === '2024-11-29' ? 210 : 390;
    // Every 13th minute of the session, its last minute, a bar at 08:00 (pre-market) and, on the early close, one at 13:00.
    const at = new Set([...Array.from({ length: Math.ceil(count / 13) }, (_, k) => 570 + k * 13), 570 + count - 1, 480, ...(count === 210 ? [780] : [])]);
    for (const m of at) {
      const c = Math.round((base + Math.sin(m + i) * 0.5) * 100) / 100;
      minutes.push({ ticker, minute: m, open: c - 0.01, high: c + 0.05, low: c - 0.07, close: c, volume: m === 571 + 12 ? 0 : 100 + m });
    }
  };
  add('FIGI_A', 'AAA', i >= 3 ? 25 + i / 10 : 50 + i / 5, (i >= 3 ? 2 : 1) * (corrected && i >= 2 ? 1.01 : 1), true);
  add('FIGI_B', 'BBB', 30 + i, 1, i !== 1);
  if (i >= 3) add('FIGI_C', 'CCC', 12 + i, 1, true);
  return { date, bars, minutes };
}

async function writeMinuteDay(lakeRoot: string, date: string, rows: MinuteRow[]): Promise<void> {
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    const midnight = etToUtcMs(parseIsoDate(date), 0, 0);
    const values = rows.map((r) => `(${sqlString(r.ticker)}, ${r.volume}, ${r.open}, ${r.close}, ${r.high}, ${r.low}, ${(midnight + r.minute * 60_000) * 1_000_000}, 10)`);
    const select = `SELECT CAST(ticker AS VARCHAR) AS ticker, CAST(volume AS DOUBLE) AS volume, CAST(open AS DOUBLE) AS open, CAST(close AS DOUBLE) AS close,
      CAST(high AS DOUBLE) AS high, CAST(low AS DOUBLE) AS low, to_timestamp(window_start // 1000000000) AS window_start, CAST(transactions AS BIGINT) AS transactions
      FROM (VALUES ${values.join(', ')}) AS t(ticker, volume, open, close, high, low, window_start, transactions)`;
    await writeFixturePartition(db, lakeRoot, { layer: 'bronze', dataset: 'stocks_minute', date, select, rows: rows.length });
  } finally {
    db.close();
  }
}

async function writeDays(lakeRoot: string, from: number, to: number, corrected = false): Promise<void> {
  for (let i = from; i <= to; i++) {
    const d = day(i, corrected);
    await writeSilverDay(lakeRoot, d.date, d.bars);
    await writeMinuteDay(lakeRoot, d.date, d.minutes);
  }
}

/** A worker context whose log lines are kept (the build's mode is logged). */
function loggingContext(lines: Array<Record<string, unknown>>): WorkerContext {
  return { ...testWorkerContext(), logger: pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) }) };
}

const spec = (lakeRoot: string, dates: string[]) => ({
  kind: 'gold-minute-build', dataset: 'qlib_us_1min', lakeRoot, dates, duckdb: { threads: 1, memoryLimit: '256MB' }, registryOptions: { tickersDailyFrom: '2026-01-02' },
});

describe('1-minute gold from the lake (bronze minute bars, silver factors and spans)', () => {
  it('writes the NYSE minute calendar, the day gold spans and Yahoo-normalised values, and a day appended equals a full build byte for byte', async () => {
    const full = newLake();
    await writeDays(full, 0, 4);
    const logs: Array<Record<string, unknown>> = [];
    expect((await runMinuteGoldJob(spec(full, DAYS), loggingContext(logs), registry)).outcome).toBe('complete');
    expect(logs.find((l) => l.msg === 'minute gold committed')).toMatchObject({ mode: 'full', outsideSession: 11 + 2 });
    const dir = lakeGoldDir(full, 'us', '1min');
    expect(dir.endsWith(path.join('gold', 'qlib', 'us_1min'))).toBe(true);

    const cal = readQlibCalendar(dir, '1min');
    expect(cal.length).toBe(4 * 390 + 210);
    expect(cal[0]).toBe('2024-11-26 09:30:00');
    expect(cal[389]).toBe('2024-11-26 15:59:00');
    expect(cal[2 * 390]).toBe('2024-11-29 09:30:00');
    expect(cal[2 * 390 + 209]).toBe('2024-11-29 12:59:00');
    expect(cal.at(-1)).toBe('2024-12-03 15:59:00');
    expect(fs.readFileSync(path.join(dir, 'calendars', '1min.txt'), 'utf8').endsWith('15:59:00\n')).toBe(true);

    expect(readQlibInstruments(dir).map((s) => `${s.instrument} ${s.start} ${s.end}`)).toEqual([
      'AAA 2024-11-26 09:30:00 2024-12-03 15:59:00',
      'BBB 2024-11-26 09:30:00 2024-12-03 15:59:00',
      'CCC 2024-12-02 09:30:00 2024-12-03 15:59:00',
    ]);
    const ccc = readQlibFeature(dir, 'CCC', 'close', '1min')!;
    expect(ccc.start).toBe(cal.indexOf('2024-12-02 09:30:00'));
    expect(ccc.values.length).toBe(2 * 390);
    for (const f of ['open', 'high', 'low', 'close', 'volume', 'vwap', 'change', 'factor']) {
      const s = readQlibFeature(dir, 'AAA', f, '1min')!;
      expect([s.start, s.values.length]).toEqual([0, cal.length]);
    }

    // Values: the bronze bars scaled as the day gold scales them (c0 = AAA's first adjusted day close).
    const c0 = day(0).bars[0]!.close;
    const close = readQlibFeature(dir, 'AAA', 'close', '1min')!.values;
    const factor = readQlibFeature(dir, 'AAA', 'factor', '1min')!.values;
    const volume = readQlibFeature(dir, 'AAA', 'volume', '1min')!.values;
    const change = readQlibFeature(dir, 'AAA', 'change', '1min')!.values;
    for (const i of [0, 2, 3]) {
      const d = day(i);
      const F = d.bars[0]!.factor;
      for (const m of d.minutes.filter((x) => x.ticker === 'AAA' && x.minute >= 570 && x.minute < (d.date === '2024-11-29' ? 780 : 960) && x.volume > 0)) {
        const k = cal.indexOf(`${d.date} ${String(Math.floor(m.minute / 60)).padStart(2, '0')}:${String(m.minute % 60).padStart(2, '0')}:00`);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(close[k]).toBe(Math.fround((m.close * F) / c0));
        expect(factor[k]).toBe(Math.fround(F / c0));
        expect(volume[k]).toBe(Math.fround((m.volume / F) * c0));
        expect(close[k]! / factor[k]!).toBeCloseTo(m.close, 4);
      }
    }
    expect(Number.isNaN(change[0]!)).toBe(true); // its first valid minute
    expect(Number.isNaN(close[1]!)).toBe(true); // a minute without a bar
    // The bar at 09:43 has volume 0: blanked, as Yahoo blanks such days; the next change is against 09:30.
    const [m0, m1, m2] = day(0).minutes;
    expect([m0!.minute, m1!.minute, m1!.volume, m2!.minute]).toEqual([570, 583, 0, 596]);
    expect(Number.isNaN(close[13]!)).toBe(true);
    expect(change[26]).toBe(Math.fround(m2!.close / m0!.close - 1));
    // A day a listed name had no trades is NaN across its minutes.
    const bbb = readQlibFeature(dir, 'BBB', 'close', '1min')!.values;
    expect(bbb.slice(390, 780).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(bbb[0]!)).toBe(false);

    const rec = await readPartitionRecord(full, 'gold', 'qlib_us_1min', DAYS[1]!);
    expect(rec).toMatchObject({ status: 'complete', rows: 1 });
    expect((rec!.inputs ?? []).map((x) => x.dataset).sort()).toEqual(['stocks_daily_adjusted', 'stocks_minute', 'universe']);

    // Day by day: three days, then each further day appended; the same bytes as the full build.
    const daily = newLake();
    await writeDays(daily, 0, 2);
    await runMinuteGoldJob(spec(daily, DAYS.slice(0, 3)), testWorkerContext(), registry);
    for (const i of [3, 4]) {
      await writeDays(daily, i, i);
      const dayLogs: Array<Record<string, unknown>> = [];
      expect((await runMinuteGoldJob(spec(daily, [DAYS[i]!]), loggingContext(dayLogs), registry)).outcome).toBe('complete');
      expect(dayLogs.find((l) => l.msg === 'minute gold committed')).toMatchObject({ mode: 'append' });
    }
    expect(treeDiff(dir, lakeGoldDir(daily, 'us', '1min'))).toEqual([]);
    for (const d of DAYS) {
      const a = await readPartitionRecord(full, 'gold', 'qlib_us_1min', d);
      const b = await readPartitionRecord(daily, 'gold', 'qlib_us_1min', d);
      expect([d, b?.checksum, b?.rows]).toEqual([d, a?.checksum, a?.rows]);
    }
  });

  it('a stored day whose silver changed (a corrected factor) makes the next update rebuild, equal to a full build', async () => {
    const lake = newLake();
    await writeDays(lake, 0, 3);
    await runMinuteGoldJob(spec(lake, DAYS.slice(0, 4)), testWorkerContext(), registry);
    const before = await readPartitionRecord(lake, 'gold', 'qlib_us_1min', DAYS[2]!);
    await writeDays(lake, 2, 4, true); // silver days 2.. rewritten with AAA's corrected factor, and day 4 new
    const logs: Array<Record<string, unknown>> = [];
    expect((await runMinuteGoldJob(spec(lake, [DAYS[4]!]), loggingContext(logs), registry)).outcome).toBe('complete');
    expect(logs.find((l) => l.msg === 'minute gold committed')).toMatchObject({ mode: 'full', fallback: `a stored day changed (${DAYS[2]})` });
    const full = newLake();
    await writeDays(full, 0, 1);
    await writeDays(full, 2, 4, true);
    await runMinuteGoldJob(spec(full, DAYS), testWorkerContext(), registry);
    expect(treeDiff(lakeGoldDir(full, 'us', '1min'), lakeGoldDir(lake, 'us', '1min'))).toEqual([]);
    const after = await readPartitionRecord(lake, 'gold', 'qlib_us_1min', DAYS[2]!);
    expect(after!.checksum).not.toBe(before!.checksum);
    expect(after!.checksum).toBe((await readPartitionRecord(full, 'gold', 'qlib_us_1min', DAYS[2]!))!.checksum);
  });

  it('gold.minute.extendedHours: the calendar holds 04:00-19:59, pre-market bars land in the bins, and switching back rebuilds the regular session', async () => {
    const home = newLake();
    const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') };
    const regular = loadConfig({}, env).settings;
    expect(regular.gold.minute.extendedHours).toBe(false);
    const extended = { ...regular, gold: { ...regular.gold, minute: { extendedHours: true } } };
    expect([minuteSessionOf(regular), minuteSessionOf(extended)]).toEqual(['regular', 'extended']);
    // The setting is part of the minute gold's builder version, so switching it makes its days stale.
    const version = (s: typeof regular) => createLakeRegistry(registryOptionsOf(s)).layer('qlib_us_1min', 'gold').builderVersion;
    expect(version(regular)).toBe(registry.layer('qlib_us_1min', 'gold').builderVersion);
    expect(version(extended)).not.toBe(version(regular));

    const lake = newLake();
    await writeDays(lake, 0, 2);
    const extendedRegistry = createLakeRegistry({ tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM, minuteExtendedHours: true });
    const logs: Array<Record<string, unknown>> = [];
    const job = { ...spec(lake, DAYS.slice(0, 3)), session: minuteSessionOf(extended) };
    expect((await runMinuteGoldJob(job, loggingContext(logs), extendedRegistry)).outcome).toBe('complete');
    expect(logs.find((l) => l.msg === 'minute gold committed')).toMatchObject({ mode: 'full', outsideSession: 0 });
    const dir = lakeGoldDir(lake, 'us', '1min');
    const cal = readQlibCalendar(dir, '1min');
    expect(cal.length).toBe(2 * 960 + 780); // 2024-11-29: the session closes at 13:00, the evening session at 17:00
    expect([cal[0], cal[959], cal[960], cal[2 * 960], cal.at(-1)]).toEqual([
      '2024-11-26 04:00:00', '2024-11-26 19:59:00', '2024-11-27 04:00:00', '2024-11-29 04:00:00', '2024-11-29 16:59:00',
    ]);
    expect(readQlibInstruments(dir).map((s) => `${s.instrument} ${s.start} ${s.end}`)).toEqual([
      'AAA 2024-11-26 04:00:00 2024-11-29 16:59:00',
      'BBB 2024-11-26 04:00:00 2024-11-29 16:59:00',
    ]);
    const close = readQlibFeature(dir, 'AAA', 'close', '1min')!;
    expect([close.start, close.values.length]).toEqual([0, cal.length]);
    const c0 = day(0).bars[0]!.close;
    const pre = day(0).minutes.find((m) => m.ticker === 'AAA' && m.minute === 480)!; // 08:00, outside the regular session
    expect(close.values[cal.indexOf('2024-11-26 08:00:00')]).toBe(Math.fround(pre.close / c0));
    const late = day(2).minutes.find((m) => m.ticker === 'AAA' && m.minute === 780)!; // 13:00 on the early close
    expect(close.values[cal.indexOf('2024-11-29 13:00:00')]).toBe(Math.fround(late.close * day(2).bars[0]!.factor / c0));

    // Back to the regular session: the next update rewrites the directory, equal to a regular full build.
    await writeDays(lake, 3, 3);
    const back: Array<Record<string, unknown>> = [];
    expect((await runMinuteGoldJob({ ...spec(lake, [DAYS[3]!]), session: minuteSessionOf(regular) }, loggingContext(back), registry)).outcome).toBe('complete');
    expect(back.find((l) => l.msg === 'minute gold committed')).toMatchObject({ mode: 'full', fallback: 'the stored session is extended, not regular' });
    const full = newLake();
    await writeDays(full, 0, 3);
    await runMinuteGoldJob(spec(full, DAYS.slice(0, 4)), testWorkerContext(), registry);
    expect(readQlibCalendar(dir, '1min').length).toBe(3 * 390 + 210);
    expect(treeDiff(lakeGoldDir(full, 'us', '1min'), dir)).toEqual([]);
  });
});
