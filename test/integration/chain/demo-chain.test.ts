import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { versionPartitions } from '../../../core/lake/feature-set-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { DEFAULT_GOLD_MARKETS } from '../../../core/layers/gold/gold-job-kind.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { activeGeneration, goldLayout, lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { readQlibCalendar, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { fixtureRegistry, testWorkerContext } from '../gold/fixtures/silver-contract.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { runCli } from '../../support/cli.ts';

// The whole chain through the real CLI on a demo lake: flat files and REST, bronze, silver, gold
// (gold/qlib/us) and a feature set, first over four days, then one more day as an update.
const DAYS = tradingDays('2024-03-04', '2024-03-08');
const DATASETS = ['stocks_daily', 'splits', 'dividends', 'tickers', 'adjustment_factors', 'stocks_daily_adjusted', 'universe', 'qlib_us', 'features_daily'];

let work = '';
let lake = '';
let config = '';
const cli = (...args: string[]) =>
  runCli(['--config', config, '--data-root', lake, '--source', 'demo', ...args], { home: work, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeoutMs: 600_000 });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-chain-'));
  lake = path.join(work, 'lake');
  config = path.join(work, 'config.yaml');
  fs.writeFileSync(config, `demo:\n  tickers: 20\nlogging:\n  level: warn\ndatasets:\n  enabled: [${DATASETS.join(', ')}]\n`);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('demo lake: landing -> bronze -> silver -> gold -> feature sets', () => {
  it('an update of one more day leaves gold equal to a full rebuild from silver, with feature values for the day', async () => {
    const first = await cli('update', '--date', DAYS[3]!, '--days-back', '4');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const dir = lakeGoldDir(lake);
    expect(readQlibCalendar(dir)).toEqual(DAYS.slice(0, 4));
    const generation = activeGeneration(goldLayout(dir));

    const second = await cli('update', '--date', DAYS[4]!, '--days-back', '1');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/1 gold-build, 1 feature-build/);
    expect(readQlibCalendar(dir)).toEqual(DAYS);
    expect(activeGeneration(goldLayout(dir))).not.toBe(generation);
    const spans = readQlibInstruments(dir, 'all');
    expect(spans.length).toBeGreaterThan(10);
    expect(spans.filter((s) => s.end === DAYS[4]).length).toBeGreaterThan(10);
    expect(await readPartitionRecord(lake, 'gold', 'qlib_us', DAYS[4]!)).toMatchObject({ status: 'complete' });

    // Full rebuild: the same silver in a fresh lake, gold built once over every day.
    const rebuilt = path.join(work, 'rebuilt');
    fs.mkdirSync(path.join(rebuilt, 'metadata'), { recursive: true });
    fs.cpSync(path.join(lake, 'silver'), path.join(rebuilt, 'silver'), { recursive: true });
    fs.cpSync(path.join(lake, 'metadata', 'silver'), path.join(rebuilt, 'metadata', 'silver'), { recursive: true });
    const full = await runGoldJob({
      kind: 'gold-build', dataset: 'qlib_us', lakeRoot: rebuilt, dates: DAYS, duckdb: { threads: 1, memoryLimit: '256MB' },
      registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: DEFAULT_GOLD_MARKETS,
    }, testWorkerContext(), fixtureRegistry());
    expect(full.outcome).toBe('complete');
    expect(treeDiff(lakeGoldDir(rebuilt), dir)).toEqual([]);

    // The feature set has the last day: a row per instrument in gold that day, values where history allows.
    const parts = versionPartitions(lake, 'daily', '1.0.0');
    expect(parts.map((p) => p.date)).toEqual(DAYS);
    const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      const [row] = (await db.connection.runAndReadAll(
        `SELECT count(*), count(daily_return), count(price_range), count(relative_volume) FROM read_parquet(${sqlString(parts.at(-1)!.file)})`,
      )).getRows();
      const [rows, returns, ranges, volumes] = row!.map(Number);
      expect(rows).toBe(spans.filter((s) => s.start <= DAYS[4]! && s.end >= DAYS[4]!).length);
      expect(returns).toBeGreaterThan(10);
      expect(ranges).toBeGreaterThan(10);
      expect(volumes).toBeGreaterThan(10);
    } finally {
      db.close();
    }

    // Qlib's health rules and ours find no error in the lake's gold.
    const check = await cli('--json', 'qlib', 'check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, calendar: { length: 5 } });
  }, 300_000);
});
