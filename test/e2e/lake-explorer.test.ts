/**
 * UI journeys of coverage, lake browsing and SQL (issue 7) in Chromium against `quantmini serve`:
 * a month of demo data, two bronze files deleted, the two cells shown missing, selected and
 * backfilled until they turn complete live; a bronze file opened in the Lake page with its first
 * preview row checked against DuckDB's own answer; a SQL query; a path outside the lake refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakePaths } from '../../core/lake/lake-paths.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { buildDemoData, monthOfDays } from './support/demo-month.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let lake: DemoLake;
let serve: ServeHandle;
let ui: TestBrowser;
const days = monthOfDays(20);
// Two consecutive trading days in the middle of the month: one rectangle on the heatmap.
const deleted = [days[9]!, days[10]!];
const previewDay = days[5]!;

async function duckdb<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  lake = createDemoLake('lake');
  await buildDemoData(lake, days, ['stocks_daily', 'options_daily']);
  for (const d of deleted) fs.rmSync(lakePaths(lake.lakeRoot).bronzeFile('stocks_daily', d));
  serve = await startServe(lake);
  ui = await openApp(`${serve.url}#/coverage`);
});

afterAll(async () => {
  await ui?.close();
  const code = await serve?.stop();
  lake?.cleanup();
  expect(code).toBe(0);
});

describe('coverage, lake and SQL in the web host', () => {
  it('shows the two deleted bronze files as missing cells in the heatmap, with a legend and the gap list', async () => {
    const { page } = ui;
    await page.getByTestId('coverage-grid').waitFor();
    for (const d of deleted) await expect.poll(() => page.getByTestId(`cell-stocks_daily-${d}`).getAttribute('data-state')).toBe('missing');
    expect(await page.getByTestId(`cell-stocks_daily-${days[8]}`).getAttribute('data-state')).toBe('complete');
    expect(await page.getByTestId(`cell-options_daily-${deleted[0]}`).getAttribute('data-state')).toBe('complete');
    await page.getByTestId('coverage-legend').waitFor();
    await page.getByTestId(`gap-stocks_daily-${deleted[0]}`).waitFor();
    await page.getByTestId(`cell-stocks_daily-${deleted[0]}`).hover();
    const tooltip = page.getByTestId('cell-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/missing/i);
    await ui.screenshot('coverage-missing');
  });

  it('selects the two cells, shows what a backfill would do, and turns them complete live', async () => {
    const { page } = ui;
    await page.getByTestId(`cell-stocks_daily-${deleted[0]}`).click();
    await page.getByTestId(`cell-stocks_daily-${deleted[1]}`).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('estimate-days').textContent()).toBe('2');
    // The landing files are still there: only the two ingests are needed.
    await expect.poll(() => page.getByTestId('estimate-jobs').textContent()).toBe('2');
    await ui.screenshot('coverage-selection');
    const seen = new Set<string>();
    // The last read in flight when the interval is cleared is awaited, so a state it saw is kept.
    let inFlight: Promise<unknown> = Promise.resolve();
    const watch = setInterval(() => {
      inFlight = page
        .getByTestId(`cell-stocks_daily-${deleted[0]}`)
        .getAttribute('data-state')
        .then((s) => s && seen.add(s))
        .catch(() => undefined);
    }, 100);
    await page.getByTestId('backfill').click();
    await page.getByTestId('backfill-started').waitFor();
    for (const d of deleted) {
      await expect.poll(() => page.getByTestId(`cell-stocks_daily-${d}`).getAttribute('data-state'), { timeout: 90_000 }).toBe('complete');
    }
    clearInterval(watch);
    await inFlight;
    await expect.poll(async () => {
      await page.getByTestId(`cell-stocks_daily-${deleted[0]}`).getAttribute('data-state').then((st) => st && seen.add(st));
      return seen.has('complete');
    }).toBe(true);
    for (const d of deleted) expect(fs.existsSync(lakePaths(lake.lakeRoot).bronzeFile('stocks_daily', d))).toBe(true);
    await ui.screenshot('coverage-backfilled');
  });

  it("opens a bronze file in the Lake page; the preview's first row equals DuckDB's answer", async () => {
    const { page } = ui;
    await page.getByTestId('nav-lake').click();
    const [y, m] = [previewDay.slice(0, 4), previewDay.slice(5, 7)];
    for (const p of ['bronze', 'bronze/stocks_daily', `bronze/stocks_daily/year=${y}`, `bronze/stocks_daily/year=${y}/month=${m}`]) {
      await page.getByTestId(`tree-${p}`).locator('.tree-row').first().click();
    }
    const rel = `bronze/stocks_daily/year=${y}/month=${m}/${previewDay}.parquet`;
    await page.getByTestId(`tree-${rel}`).locator('.tree-row').first().click();
    await page.getByTestId('parquet-details').waitFor();
    const file = path.join(lake.lakeRoot, rel);
    const [expected] = await duckdb<{ ticker: string; close: number; volume: number; n: bigint }>(
      `SELECT ticker, close, volume, (SELECT count(*) FROM read_parquet('${file}')) AS n FROM read_parquet('${file}', hive_partitioning = false) LIMIT 1`,
    );
    await expect.poll(() => page.getByTestId('parquet-rows').textContent()).toBe(Number(expected!.n).toLocaleString('en-US'));
    const cell = (col: string) => page.getByTestId(`preview-cell-0-${col}`).textContent();
    await expect.poll(() => cell('ticker')).toBe(expected!.ticker);
    expect(Number(await cell('close'))).toBeCloseTo(expected!.close, 8);
    expect(Number(await cell('volume'))).toBeCloseTo(expected!.volume, 4);
    await ui.screenshot('lake-preview');
  });

  it('refuses a path outside the lake', async () => {
    const { page } = ui;
    await page.getByTestId('open-path-input').fill('../../etc/passwd');
    await page.getByTestId('open-path-button').click();
    const error = page.getByTestId('parquet-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/outside the lake/);
    await ui.screenshot('lake-path-refused');
  });

  it('runs a read-only SQL query with row count and time; writes are refused', async () => {
    const { page } = ui;
    await page.getByTestId('nav-sql').click();
    const editor = page.getByTestId('sql-editor');
    await editor.waitFor();
    await editor.fill('SELECT count(*) AS n, count(DISTINCT date) AS days FROM stocks_daily');
    await page.getByTestId('sql-run').click();
    await page.getByTestId('sql-summary').waitFor();
    expect(await page.getByTestId('sql-summary').textContent()).toMatch(/^1 row · 2 columns · /);
    const bronzeGlob = path.join(lake.lakeRoot, 'bronze', 'stocks_daily', '*', '*', '*.parquet');
    const [truth] = await duckdb<{ n: bigint; days: bigint }>(`SELECT count(*) AS n, count(DISTINCT date) AS days FROM read_parquet('${bronzeGlob}')`);
    expect(await page.getByTestId('sql-cell-0-n').textContent()).toBe(String(truth!.n));
    expect(await page.getByTestId('sql-cell-0-days').textContent()).toBe('20');
    await ui.screenshot('sql-result');
    await editor.fill(`COPY (SELECT 1) TO '${path.join(lake.dir, 'escape.csv')}'`);
    await page.getByTestId('sql-run').click();
    const refused = page.getByTestId('sql-error');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/read-only|refused|not allowed/i);
    expect(fs.existsSync(path.join(lake.dir, 'escape.csv'))).toBe(false);
    await ui.screenshot('sql-write-refused');
  });

  it('logged no console errors and no page errors', () => {
    expect(ui.errors).toEqual([]);
  });
});
