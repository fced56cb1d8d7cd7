/**
 * Issue 16 in Chromium through the web host, on a demo lake holding four days of stocks_daily and
 * a fifth whose download failed (the latest day is not fetched yet): the failure is an alert and a `failed` cell with its reason,
 * Freshness counts the gap and links to Coverage filtered to it, the first-run offer estimates a
 * backfill, and the backfill it starts shows bytes of the total, throughput and time left while it
 * runs; cancelled, it is resumed from the Runs page. Screenshots for each.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePartitionRecord } from '../../core/lake/partition-records.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { buildDemoData, monthOfDays } from './support/demo-month.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let lake: DemoLake;
let serve: ServeHandle;
let ui: TestBrowser;
const days = monthOfDays(5);
const failedDay = days[2]!;

beforeAll(async () => {
  lake = createDemoLake('progress');
  fs.writeFileSync(
    lake.configFile,
    ['demo:', '  tickers: 20', 'datasets:', '  enabled: [stocks_daily]', 'concurrency:', '  downloads: 1', '  ingestWorkers: 1', ''].join('\n'),
  );
  await buildDemoData(lake, days.filter((d) => d !== failedDay), ['stocks_daily']);
  const t = new Date().toISOString();
  await writePartitionRecord(lake.lakeRoot, {
    dataset: 'stocks_daily', layer: 'landing', date: failedDay, status: 'failed', rows: null, bytes: null, sourceChecksum: null, etag: null,
    schemaVersion: 1, rejects: 0, attempts: 5, lastError: 'nothing is listening at http://127.0.0.1:9: check the flat-file endpoint',
    startedAt: t, finishedAt: t, durationMs: 5,
  });
  serve = await startServe(lake);
  ui = await openApp(serve.url);
});

afterAll(async () => {
  await ui?.close();
  await serve?.stop();
  lake?.cleanup();
});

describe('honest states, progress and the first run', () => {
  it('lists the failed download in Alerts and counts the gap in Freshness', async () => {
    const { page } = ui;
    const alert = page.getByTestId(`alert-stocks_daily-${failedDay}`);
    await alert.waitFor();
    expect(await alert.getAttribute('data-state')).toBe('failed');
    expect(await alert.textContent()).toContain('download failed: nothing is listening');
    const row = page.getByTestId('freshness-stocks_daily');
    await expect.poll(() => row.getByTestId('freshness-holes').textContent()).toBe('2 gaps');
    expect(await row.getByTestId('freshness-behind').textContent()).not.toBe('Up to date');
    await ui.screenshot('today-failed-day-and-gap');
  });

  it('links Freshness to Coverage filtered to the dataset, where the day is failed with its reason', async () => {
    const { page } = ui;
    await page.getByTestId('freshness-holes-link').click();
    await page.getByTestId('coverage-only').waitFor();
    const cell = page.getByTestId(`cell-stocks_daily-${failedDay}`);
    await expect.poll(() => cell.getAttribute('data-state')).toBe('failed');
    await cell.hover();
    await expect.poll(() => page.locator('body').textContent()).toContain('download failed: nothing is listening');
    await ui.screenshot('coverage-filtered-failed-day');
  });

  it('offers a backfill of history on a lake that holds only the latest days, with its estimate', async () => {
    const { page } = ui;
    await page.getByTestId('nav-today').click();
    const offer = page.getByTestId('history-offer');
    await offer.waitFor();
    expect(await offer.getByTestId('demo-explained').textContent()).toMatch(/not real prices/);
    await page.getByTestId('history-years-1').click();
    await expect.poll(() => page.getByTestId('history-estimate').textContent(), { timeout: 60_000 }).toMatch(/trading days of 1 dataset/);
    expect(await page.getByTestId('history-basis').textContent()).toContain('sizes of the files already in this lake');
    await ui.screenshot('today-history-offer');
  });

  it('shows the run\'s bytes of the total, throughput and time left moving, and resumes it after a cancel', async () => {
    const { page } = ui;
    await page.getByTestId('start-history').click();
    await page.getByTestId('active-run').waitFor();
    const bytes = page.getByTestId('run-bytes');
    await bytes.waitFor({ timeout: 60_000 });
    const first = await bytes.textContent();
    await expect.poll(() => bytes.textContent(), { timeout: 90_000 }).not.toBe(first);
    await expect.poll(() => page.getByTestId('run-rate').textContent(), { timeout: 60_000 }).toMatch(/\/s$/);
    await expect.poll(() => page.getByTestId('run-eta').textContent(), { timeout: 120_000 }).toMatch(/^about .* left$/);
    await ui.screenshot('today-run-bytes-rate-eta');
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('active-run').waitFor({ state: 'detached', timeout: 60_000 });

    await page.getByTestId('nav-runs').click();
    const cancelled = page.locator('[data-testid^="run-row-"]').first();
    await expect.poll(() => cancelled.textContent(), { timeout: 30_000 }).toMatch(/Cancelled/i);
    await cancelled.click();
    await page.getByTestId('resume-run').click();
    await expect.poll(() => page.getByTestId('run-detail').textContent(), { timeout: 60_000 }).toMatch(/Resume/);
    await expect.poll(() => page.locator('[data-testid^="run-row-"]').first().textContent(), { timeout: 30_000 }).toMatch(/Resume/i);
    await ui.screenshot('runs-resumed');
    await page.getByTestId('cancel-run').click();
    await expect.poll(() => page.locator('[data-testid^="run-row-"]').first().textContent(), { timeout: 60_000 }).toMatch(/Cancelled/i);
  });

  it('logged no console errors and no page errors', () => {
    expect(ui.errors).toEqual([]);
  });
});
