/**
 * As a new user on demo: `update --days-back 5` fills REST bronze beside the flat files, and
 * `query`, `status` and `gaps` know the REST datasets (issue 12's "done when"). Three REST
 * datasets keep the run short; the registry treats every REST dataset the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryableViews } from '../../../core/lake/queryable-files.ts';
import { runCli, tempDir } from '../../support/cli.ts';

let home: string;
let lake: string;
const cli = (args: string[]) => runCli(['--data-root', lake, '--source', 'demo', ...args], { home, timeoutMs: 300_000 });

beforeAll(async () => {
  home = tempDir('qm-rest-update-');
  lake = path.join(home, 'lake');
  const update = await cli(['update', '--days-back', '5', '--datasets', 'splits,dividends,tickers']);
  expect(update.code, update.stderr).toBe(0);
}, 360_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('REST datasets from update to query', () => {
  it('offers one SQL view per REST dataset with bronze files', () => {
    const names = queryableViews(lake).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['splits', 'dividends', 'tickers']));
  });

  it('answers "select * from splits" and "select count(*) from tickers"', async () => {
    const splits = await cli(['--json', 'query', 'select * from splits']);
    expect(splits.code, splits.stderr).toBe(0);
    const cols = (JSON.parse(splits.stdout) as { columns: Array<{ name: string }> }).columns.map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['ticker', 'execution_date', 'split_from', 'split_to']));
    const tickers = await cli(['--json', 'query', 'select count(*) as n from tickers']);
    expect(tickers.code, tickers.stderr).toBe(0);
    expect((JSON.parse(tickers.stdout) as { rows: number[][] }).rows[0]![0]).toBeGreaterThan(0);
  });

  it('reports REST datasets in status and gaps with the coverage vocabulary', async () => {
    const status = await cli(['--json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as { datasets: Array<{ dataset: string; complete: number; failed: number }> }).datasets;
    for (const id of ['splits', 'dividends', 'tickers']) expect(rows.find((r) => r.dataset === id)?.complete, id).toBeGreaterThan(0);
    const dividends = rows.find((r) => r.dataset === 'dividends')!;
    const gaps = await cli(['--json', 'gaps', '--dataset', 'dividends', '--from', '2026-01-02', '--to', '2026-01-30']);
    expect(gaps.code, gaps.stderr).toBe(0);
    expect(JSON.parse(gaps.stdout)).toMatchObject({ dataset: 'dividends', layer: 'bronze' });
    expect(dividends.failed).toBe(0);
  });
});
