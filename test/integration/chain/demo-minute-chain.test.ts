import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { runMinuteGoldJob } from '../../../core/layers/gold/minute-gold-job.ts';
import { goldStatus } from '../../../core/app/gold-handlers.ts';
import { readLakeGoldCheck } from '../../../core/layers/gold/lake-gold-check.ts';
import { qlibFeaturePath, readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { fixtureRegistry, testWorkerContext } from '../gold/fixtures/silver-contract.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { demoCliLake, type DemoCliLake } from './fixtures/demo-cli-lake.ts';

// The 1-minute gold through the real CLI and engine on a small demo lake: enabled in the config,
// planned after silver and the minute bronze it reads, then one more day as an update, which must
// equal a full build from the same inputs.
const DAYS = tradingDays('2024-03-05', '2024-03-08');
const DATASETS = ['stocks_daily', 'stocks_minute', 'splits', 'dividends', 'tickers', 'adjustment_factors', 'stocks_daily_adjusted', 'universe', 'qlib_us_1min'];

let demo: DemoCliLake;
let work = '';
let lake = '';
const cli = (...args: string[]) => demo.cli(...args);

beforeAll(() => {
  demo = demoCliLake('qm-minute-chain-', { tickers: 8, datasets: DATASETS });
  ({ work, lake } = demo);
});
afterAll(() => demo.remove());

describe('demo lake: bronze minute bars + silver -> 1-minute gold', () => {
  it('update builds the minute gold after silver, and a day appended equals a full build', async () => {
    const first = await cli('update', '--date', DAYS[2]!, '--days-back', '3');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/1 gold-minute-build/);
    const dir = lakeGoldDir(lake, 'us', '1min');
    expect(readQlibCalendar(dir, '1min').length).toBe(3 * 390);

    const second = await cli('update', '--date', DAYS[3]!, '--days-back', '1');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/1 gold-minute-build/);
    const cal = readQlibCalendar(dir, '1min');
    expect([cal.length, cal[0], cal.at(-1)]).toEqual([4 * 390, `${DAYS[0]} 09:30:00`, `${DAYS[3]} 15:59:00`]);
    const spans = readQlibInstruments(dir, 'all');
    expect(spans.length).toBeGreaterThan(3);
    for (const s of spans) {
      const bin = readQlibFeature(dir, s.instrument, 'close', '1min')!;
      expect(bin.start).toBe(cal.indexOf(s.start));
      expect(bin.start + bin.values.length - 1).toBe(cal.indexOf(s.end));
    }
    expect(await readPartitionRecord(lake, 'gold', 'qlib_us_1min', DAYS[3]!)).toMatchObject({ status: 'complete' });

    // Full build: the same silver and minute bronze in a fresh lake, built once over every day.
    const rebuilt = path.join(work, 'rebuilt');
    for (const sub of ['silver', path.join('bronze', 'stocks_minute'), path.join('metadata', 'silver'), path.join('metadata', 'bronze', 'stocks_minute')]) {
      fs.cpSync(path.join(lake, sub), path.join(rebuilt, sub), { recursive: true });
    }
    const full = await runMinuteGoldJob({
      kind: 'gold-minute-build', dataset: 'qlib_us_1min', lakeRoot: rebuilt, dates: DAYS, duckdb: { threads: 1, memoryLimit: '256MB' },
      registryOptions: { tickersDailyFrom: '2026-01-02' },
    }, testWorkerContext(), fixtureRegistry());
    expect(full.outcome).toBe('complete');
    expect(treeDiff(lakeGoldDir(rebuilt, 'us', '1min'), dir)).toEqual([]);
  }, 300_000);

  it('qlib check --freq 1min: NYSE minutes, spans as silver says, bins as long as their spans, no NaN on a traded minute; the report in the lake', async () => {
    const dir = lakeGoldDir(lake, 'us', '1min');
    const clean = await cli('--json', 'qlib', 'check', '--freq', '1min');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    const report = JSON.parse(clean.stdout) as { ok: boolean; freq: string; calendar: { length: number }; findings: Array<{ rule: string; level: string }> };
    expect(report).toMatchObject({ ok: true, freq: '1min', calendar: { length: 4 * 390 } });
    expect(clean.stderr).toMatch(/report stored in the lake: metadata\/checks\/qlib_us\.1min\.json/);
    expect(readLakeGoldCheck(lake, 'us', '1min')).toEqual(report);

    // One instrument's close truncated by its last day, another's NaN on a minute it traded.
    const cal = readQlibCalendar(dir, '1min');
    const [a, b] = readQlibInstruments(dir, 'all');
    const real = fs.realpathSync(dir);
    const closeA = qlibFeaturePath(real, a!.instrument, 'close', '1min');
    const bytes = fs.readFileSync(closeA);
    fs.writeFileSync(closeA, bytes.subarray(0, bytes.length - 390 * 4));
    const closeB = readQlibFeature(dir, b!.instrument, 'close', '1min')!;
    const k = closeB.values.findIndex((v) => !Number.isNaN(v));
    const binB = qlibFeaturePath(real, b!.instrument, 'close', '1min');
    const bb = fs.readFileSync(binB);
    bb.writeFloatLE(NaN, 4 + 4 * k);
    fs.writeFileSync(binB, bb);
    const broken = await cli('--json', 'qlib', 'check', '--freq', '1min');
    expect(broken.code).toBe(1);
    const found = JSON.parse(broken.stdout) as { ok: boolean; findings: Array<{ rule: string; instrument: string; field: string; dates: string[] }> };
    expect(found.ok).toBe(false);
    const errors = found.findings.map((f) => [f.rule, f.instrument, f.field, f.dates]);
    expect(errors).toContainEqual(['bin_length', a!.instrument, 'close', [a!.start, a!.end]]);
    expect(errors).toContainEqual(['nan_on_traded_day', b!.instrument, 'close', [cal[closeB.start + k]]]);
    expect(readLakeGoldCheck(lake, 'us', '1min')!.ok).toBe(false);
    expect(readLakeGoldCheck(lake)).toBeNull(); // the day gold's report is its own file
    // The Gold panel shows it beside the day gold's.
    const view = goldStatus(lake);
    expect(view.report).toBeNull();
    expect(view.minuteReport).toMatchObject({ ok: false });
    expect(view.minuteReport!.groups.map((g) => g.rule)).toEqual(expect.arrayContaining(['bin_length', 'nan_on_traded_day']));
  }, 120_000);
});
