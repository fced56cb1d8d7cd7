import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { MARKET_DAYS, marketDay } from '../gold/fixtures/contract-market.ts';
import { fixtureRegistry, testWorkerContext, writeSilverDay } from '../gold/fixtures/silver-contract.ts';

const run = promisify(execFile);
let lake = '';
const cli = async (...args: string[]) => {
  try {
    const r = await run('node', ['bin/quantmini.js', '--data-root', lake, ...args], { cwd: process.cwd() });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-features-cli-'));
  for (let i = 0; i < 25; i++) {
    const d = marketDay(i);
    await writeSilverDay(lake, d.date, d.bars);
  }
  await runGoldJob({ kind: 'gold-build', dataset: 'qlib_us', lakeRoot: lake, dates: MARKET_DAYS.slice(0, 25), duckdb: { threads: 1, memoryLimit: '256MB' },
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [] }, testWorkerContext(), fixtureRegistry());
}, 120_000);
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

describe('quantmini features', () => {
  it('builds, lists, verifies, diffs and notes versions; refuses a bad manifest in one line', async () => {
    const b = await cli('--json', 'features', 'build', 'daily', '--from', MARKET_DAYS[20]!);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ set: 'daily@1.0.0', days: 5 });
    const list = JSON.parse((await cli('--json', 'features', 'list')).stdout) as Array<{ name: string; built: Array<{ version: string }> }>;
    expect(list.find((s) => s.name === 'daily')!.built.map((v) => v.version)).toEqual(['1.0.0']);
    const v = await cli('--json', 'features', 'verify', 'daily@1.0.0', '--sample', '2');
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).differing).toEqual([]);

    const text = fs.readFileSync('config/feature-sets/daily.yaml', 'utf8');
    const v2 = path.join(lake, 'daily-1.1.0.yaml');
    fs.writeFileSync(v2, text.replace('version: 1.0.0', 'version: 1.1.0').replace('parent_version: null', 'parent_version: 1.0.0').replace('${window})"', '5)"'));
    expect((await cli('features', 'build', 'daily@1.1.0', '--manifest', v2, '--from', MARKET_DAYS[24]!)).code).toBe(0);
    const d = JSON.parse((await cli('--json', 'features', 'diff', 'daily@1.0.0', 'daily@1.1.0')).stdout);
    expect(d).toMatchObject({ changed: ['relative_volume'], added: [], removed: [] });
    expect(d.values[0]).toMatchObject({ feature: 'relative_volume', date: MARKET_DAYS[24] });
    expect(d.values[0].differing).toBeGreaterThan(0);

    const edited = path.join(lake, 'edited.yaml');
    fs.writeFileSync(edited, text.replace('${window})"', '7)"'));
    const refused = await cli('features', 'build', 'daily', '--manifest', edited);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/daily@1\.0\.0 is already built from a different manifest/);
    const bad = path.join(lake, 'bad.yaml');
    fs.writeFileSync(bad, text.replace('$close/Ref($close, 1) - 1', '$close/Reff($close, 1) - 1'));
    const shown = await cli('features', 'show', 'daily', '--manifest', bad);
    expect(shown.code).not.toBe(0);
    const lines = shown.stderr.trim().split('\n').filter((l) => l.includes('Reff'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/bad\.yaml: expressions\.daily_return.*Reff/);

    expect((await cli('features', 'note', 'daily@1.1.0', 'shorter volume window')).code).toBe(0);
    const log = JSON.parse(fs.readFileSync(path.join(lake, 'silver', 'features', 'experiments.json'), 'utf8')) as Array<{ version: string; note: string | null }>;
    expect(log.filter((e) => e.version === '1.1.0').at(-1)!.note).toBe('shorter volume window');
  }, 240_000);
});
