import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { checkLakeGold, lakeGoldCheckFile, readLakeGoldCheck } from '../../../core/layers/gold/lake-gold-check.ts';
import { MARKET_DAYS, marketDay } from './fixtures/contract-market.ts';
import { fixtureRegistry, testWorkerContext, writeSilverDay } from './fixtures/silver-contract.ts';

const run = promisify(execFile);
const registry = fixtureRegistry();
const duckdb = { threads: 1, memoryLimit: '256MB' };
let lake = '';

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-gold-check-'));
  for (let i = 0; i < 12; i++) await writeSilverDay(lake, marketDay(i).date, marketDay(i).bars);
  await runGoldJob({ kind: 'gold-build', dataset: 'qlib_us', lakeRoot: lake, dates: MARKET_DAYS.slice(0, 12), duckdb,
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [] }, testWorkerContext(), registry);
}, 120_000);
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

describe("qlib check of the lake's gold", () => {
  it('compares with silver and stores the report in the lake by default', async () => {
    const r = await run(process.execPath, ['bin/quantmini.js', '--data-root', lake, '--json', 'qlib', 'check'], { cwd: process.cwd() });
    const printed = JSON.parse(r.stdout) as { ok: boolean; qlibDir: string };
    expect(printed).toMatchObject({ ok: true, qlibDir: lakeGoldDir(lake), calendar: { length: 12 } });
    expect(r.stderr).toMatch(/report stored in the lake: metadata\/checks\/qlib_us\.day\.json/);
    expect(readLakeGoldCheck(lake)).toEqual(printed);
  }, 60_000);

  it('a NaN on a day silver has a bar, and spans other than silver says, are errors naming instrument, field and date', async () => {
    // EEE has no bar on day 10 (a halt): NaN there is right; a NaN in AAA's close on day 4 is not.
    const bin = path.join(lakeGoldDir(lake), 'features', 'aaa', 'close.day.bin');
    const bytes = fs.readFileSync(bin);
    bytes.writeFloatLE(NaN, 4 + 4 * 4);
    fs.writeFileSync(bin, bytes);
    const all = path.join(lakeGoldDir(lake), 'instruments', 'all.txt');
    fs.writeFileSync(all, fs.readFileSync(all, 'utf8').replace(`BBB\t${MARKET_DAYS[0]}\t${MARKET_DAYS[11]}`, `BBB\t${MARKET_DAYS[1]}\t${MARKET_DAYS[11]}`));
    const report = await checkLakeGold(lake, registry, { duckdb });
    expect(report.ok).toBe(false);
    const errors = report.findings.filter((f) => f.level === 'error').map((f) => [f.rule, f.instrument, f.field, f.dates[0]]);
    expect(errors).toContainEqual(['nan_on_traded_day', 'AAA', 'close', MARKET_DAYS[4]]);
    expect(errors.some(([rule, inst]) => rule === 'expected_spans' && inst === 'BBB')).toBe(true);
    expect(errors.some(([rule, inst]) => rule === 'nan_on_traded_day' && inst === 'EEE')).toBe(false);
    expect(readLakeGoldCheck(lake)).toEqual(report);
    expect(fs.existsSync(lakeGoldCheckFile(lake))).toBe(true);
  }, 60_000);
});
