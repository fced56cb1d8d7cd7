/**
 * Honest settings and SQL that keeps your work (issue 16) in Chromium against `quantmini serve
 * --source demo` on a demo lake with a month of data: the start-up flag shown as overriding the
 * saved source beside the field and in Test connection, where credentials are kept, removing a
 * key asks first, the toast clear of Save; SQL text kept across a page change and a reload, names
 * inserted at the caret with a one-step undo, the history, a view's columns, the New York / UTC
 * switch, and CSV and Parquet exports downloaded and checked byte for byte against DuckDB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type TestBrowser } from './support/browser.ts';
import { buildDemoData, monthOfDays } from './support/demo-month.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let lake: DemoLake;
let serve: ServeHandle;
let ui: TestBrowser;
const days = monthOfDays(10);
const QUERY = 'SELECT ticker, date, close, volume, window_start FROM stocks_daily ORDER BY ticker, date';

async function duckdb(fn: (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<void>): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

beforeAll(async () => {
  // The user file saves Massive as the source; the suite starts the host with --source demo.
  lake = createDemoLake('settings-sql', 'source: massive');
  await buildDemoData(lake, days, ['stocks_daily', 'options_daily']);
  serve = await startServe(lake);
  ui = await openApp(`${serve.url}#/settings`);
});

afterAll(async () => {
  await ui?.close();
  const code = await serve?.stop();
  lake?.cleanup();
  expect(code).toBe(0);
});

describe('settings in the web host', () => {
  it('says the --source flag overrides the saved source, beside the field and in Test connection', async () => {
    const { page } = ui;
    const note = page.getByTestId('override-source');
    await note.waitFor();
    expect(await note.textContent()).toMatch(
      /^Overridden for this run by the --source flag\. This run uses demo data \(source Demo\); the choice here is what is saved/,
    );
    // The field shows what is saved, so Save cannot write the flag's value into the file.
    expect(await page.locator('#settings-source').inputValue()).toBe('massive');
    expect(await page.getByTestId('override-dataRoot').textContent()).toContain(lake.lakeRoot);
    await page.getByTestId('test-connection').click();
    const notice = page.getByTestId('connection-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toBe(
      'QuantMini was started with the --source flag set to Demo, so this tests the built-in simulator; ' +
        'the saved source (Massive) applies once QuantMini starts without it.',
    );
    await ui.screenshot('settings-override-notice');
  });

  it('says exactly where the web host keeps credentials', async () => {
    const text = await ui.page.getByTestId('credential-store').textContent();
    expect(text).toContain(`in plain text in the user configuration file ${lake.configFile}, which only your user account can read`);
    expect(text).toContain('(mode 600)');
  });

  it('saves only what changed, keeps the toast clear of Save, and asks before removing a key', async () => {
    const { page } = ui;
    await page.locator('#settings-apiKey').fill('test-api-key-0123456789');
    await page.locator('#settings-downloads').fill('2');
    await page.getByTestId('save-settings').click();
    const toast = page.getByTestId('toast');
    await toast.waitFor();
    const [toastBox, saveBox] = [await toast.boundingBox(), await page.getByTestId('save-settings').boundingBox()];
    expect(overlaps(toastBox!, saveBox!)).toBe(false);
    await ui.screenshot('settings-saved-toast');
    const file = fs.readFileSync(lake.configFile, 'utf8');
    expect(file).toMatch(/downloads: 2/);
    // Neither the flag's source nor its data root was written; the saved source is untouched.
    expect(file).toMatch(/^source: massive$/m);
    expect(file).not.toContain(lake.lakeRoot);
    await expect.poll(() => page.getByTestId('api-key-state').textContent()).toBe('Configured');

    await page.getByTestId('remove-api-key').click();
    const confirm = page.getByTestId('remove-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`It is deleted from ${lake.configFile}.`);
    await ui.screenshot('settings-remove-confirm');
    await page.getByTestId('remove-confirm-no').click();
    expect(await page.getByTestId('api-key-state').textContent()).toBe('Configured');
    await page.getByTestId('remove-api-key').click();
    await page.getByTestId('remove-confirm-yes').click();
    await expect.poll(() => page.getByTestId('api-key-state').textContent()).toBe('Not configured');
    expect(fs.readFileSync(lake.configFile, 'utf8')).not.toContain('test-api-key-0123456789');
  });
});

describe('SQL in the web host', () => {
  it('inserts a view name at the caret, and Ctrl+Z takes back just that insertion', async () => {
    const { page } = ui;
    await page.getByTestId('nav-sql').click();
    const editor = page.getByTestId('sql-editor');
    await editor.fill('SELECT count(*) FROM  WHERE true');
    // Caret between FROM and WHERE.
    await editor.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(21, 21));
    await page.getByTestId('sql-view-stocks_daily').click();
    expect(await editor.inputValue()).toBe('SELECT count(*) FROM stocks_daily WHERE true');
    await page.getByTestId('sql-view-columns-stocks_daily').click();
    await page.getByTestId('sql-column-stocks_daily-close').waitFor();
    await ui.screenshot('sql-view-columns');
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe('SELECT count(*) FROM  WHERE true');
  });

  it('keeps the text across a page change and a reload, and keeps a history', async () => {
    const { page } = ui;
    const editor = page.getByTestId('sql-editor');
    await editor.fill(QUERY);
    await page.getByTestId('sql-run').click();
    await page.getByTestId('sql-summary').waitFor();
    await page.getByTestId('nav-today').click();
    await page.getByTestId('update-today').waitFor();
    await page.getByTestId('nav-sql').click();
    expect(await page.getByTestId('sql-editor').inputValue()).toBe(QUERY);
    await page.reload();
    await page.getByTestId('sql-editor').waitFor();
    expect(await page.getByTestId('sql-editor').inputValue()).toBe(QUERY);
    const first = page.getByTestId('sql-history-0');
    expect(await first.textContent()).toContain(QUERY);
    await page.getByTestId('sql-editor').fill('SELECT 1');
    await first.click();
    expect(await page.getByTestId('sql-editor').inputValue()).toBe(QUERY);
    await ui.screenshot('sql-kept-after-reload');
  });

  it('shows grid timestamps in New York or UTC', async () => {
    const { page } = ui;
    await page.getByTestId('sql-run').click();
    await page.getByTestId('sql-summary').waitFor();
    const cell = page.getByTestId('sql-cell-0-window_start');
    await page.getByTestId('time-zone-ny').click();
    await expect.poll(() => cell.textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}-0[45]:00$/);
    await page.getByTestId('time-zone-utc').click();
    await expect.poll(() => cell.textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    await page.getByTestId('time-zone-ny').click();
  });

  it("exports the result as CSV: the downloaded bytes are DuckDB's own CSV of the same query", async () => {
    const { page } = ui;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sql-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^quantmini-query-\d{4}-\d{2}-\d{2}-\d{6}\.csv$/);
    const got = fs.readFileSync((await download.path())!);
    const reference = path.join(lake.dir, 'reference.csv');
    const glob = path.join(lake.lakeRoot, 'bronze', 'stocks_daily', '*', '*', '*.parquet');
    const truth = QUERY.replace('FROM stocks_daily', `FROM read_parquet('${glob}', hive_partitioning = true)`);
    await duckdb(async (c) => void (await c.run(`COPY (${truth}) TO '${reference}' (FORMAT csv, HEADER true)`)));
    expect(got.length).toBeGreaterThan(1000);
    expect(got.equals(fs.readFileSync(reference))).toBe(true);
    const outcome = page.getByTestId('sql-export-outcome');
    await outcome.waitFor();
    const said = await outcome.textContent();
    expect(said).toMatch(/^Exported [\d,]+ rows \([\d.]+ KiB\) as CSV in .+: your browser is downloading quantmini-query-/);
    await ui.screenshot('sql-exported-csv');
  });

  it('exports Parquet that DuckDB reads back with the same rows', async () => {
    const { page } = ui;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sql-export-parquet').click()]);
    const file = path.join(lake.dir, 'export.parquet');
    await download.saveAs(file);
    const glob = path.join(lake.lakeRoot, 'bronze', 'stocks_daily', '*', '*', '*.parquet');
    const truth = QUERY.replace('FROM stocks_daily', `FROM read_parquet('${glob}', hive_partitioning = true)`);
    await duckdb(async (c) => {
      const diff = await c.runAndReadAll(
        `SELECT count(*) AS n FROM ((SELECT * FROM '${file}') EXCEPT ALL (${truth}))`,
      );
      expect(diff.getRowObjectsJS()[0]).toEqual({ n: 0n });
      const rows = await c.runAndReadAll(`SELECT (SELECT count(*) FROM '${file}') AS got, (SELECT count(*) FROM (${truth})) AS want`);
      const { got, want } = rows.getRowObjectsJS()[0] as { got: bigint; want: bigint };
      expect(got).toBe(want);
      expect(Number(got)).toBeGreaterThan(days.length * 10);
    });
  });

  it('logged no console errors and no page errors', () => {
    expect(ui.errors).toEqual([]);
  });
});
