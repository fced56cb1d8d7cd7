/**
 * UI journeys of the desktop app (issue 6) in Chromium against `quantmini serve` on a fresh demo
 * lake: first run, Update today with live progress to done, freshness, the run's jobs and a job
 * log, settings validated and saved, the next run using them, cancelling a run, the memory gauges,
 * keyboard navigation. Every journey saves a screenshot; any console or page error fails the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestPublishedTradingDay } from '../../core/calendar/index.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let lake: DemoLake;
let serve: ServeHandle;
let ui: TestBrowser;
const latest = latestPublishedTradingDay(new Date());

/** "2026-11-19" -> "19 Nov 2026", as the renderer formats short dates. */
const shortDate = (iso: string) => new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

beforeAll(async () => {
  lake = createDemoLake('app');
  serve = await startServe(lake);
  ui = await openApp(serve.url);
});

afterAll(async () => {
  await ui?.close();
  const code = await serve?.stop();
  lake?.cleanup();
  expect(code).toBe(0);
});

describe('desktop app in the web host', () => {
  it('opens on the demo lake with a visible "Demo data" badge', async () => {
    const { page } = ui;
    await expect.poll(() => page.getByTestId('demo-badge').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Connected');
    await page.getByTestId('update-today').waitFor();
    await expect.poll(() => page.getByTestId('freshness-stocks_daily').textContent()).toContain('Nothing yet');
    await ui.screenshot('today-first-run');
  });

  it('Update today shows the plan, live progress per job, and reaches done; freshness updates', async () => {
    const { page } = ui;
    await expect.poll(() => page.getByTestId('plan-steps').textContent()).toBe('2');
    await page.getByRole('button', { name: 'Update today' }).click();
    // Live: the run's jobs appear and at least one runs before the run is over.
    await page.getByTestId('active-jobs').waitFor();
    await page.locator('[data-testid^="job-row-"][data-state="running"]').first().waitFor({ timeout: 60_000 });
    await ui.screenshot('today-update-running');
    await page.getByTestId('active-jobs').waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => page.getByTestId('last-run-counts').textContent(), { timeout: 30_000 }).toContain('4 complete');
    for (const ds of ['stocks_daily', 'options_daily']) {
      await expect.poll(() => page.getByTestId(`freshness-${ds}`).getByTestId('freshness-last-complete').textContent()).toBe(shortDate(latest));
    }
    await expect.poll(() => page.getByTestId('plan-steps').textContent()).toBe('0');
    await ui.screenshot('today-update-done');
  });

  it('Runs lists the run with its outcome; its jobs open with their logs', async () => {
    const { page } = ui;
    await page.getByTestId('nav-runs').click();
    const row = page.locator('[data-testid^="run-row-"]').first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Succeeded/i);
    await row.click();
    await page.getByTestId('run-jobs').waitFor();
    expect(await page.locator('[data-testid^="job-row-"]').count()).toBe(4);
    await page.locator('[data-testid^="job-row-ingest:stocks_daily"]').getByTestId('view-log').click();
    const log = page.getByTestId('job-log-text');
    await log.waitFor();
    await expect.poll(() => log.textContent()).toMatch(/\S/);
    await ui.screenshot('runs-job-log');
    await page.keyboard.press('Escape');
  });

  it('Settings validates concurrency on input and saves it to the user configuration', async () => {
    const { page } = ui;
    await page.getByTestId('nav-settings').click();
    const downloads = page.locator('#settings-downloads');
    await downloads.waitFor();
    await downloads.fill('0');
    await page.getByTestId('settings-downloads-error').waitFor();
    await ui.screenshot('settings-invalid');
    await downloads.fill('1');
    await page.locator('#settings-ingestWorkers').fill('1');
    await page.getByTestId('save-settings').click();
    await expect.poll(async () => (await import('node:fs')).readFileSync(lake.configFile, 'utf8')).toMatch(/downloads: 1/);
    await ui.screenshot('settings-saved');
    // First run: a way to connect an account, and a test that reports what the plan reaches.
    await page.locator('#settings-apiKey').waitFor();
    await page.locator('#settings-s3AccessKeyId').waitFor();
    await page.getByTestId('test-connection').click();
    await expect.poll(() => page.locator('[data-testid^="reachable-"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid^="reachable-"][data-ok="false"]').count()).toBe(0);
    await ui.screenshot('settings-connection-test');
  });

  it('the next run uses the new concurrency, and a run can be cancelled', async () => {
    const { page } = ui;
    // Missing days of both datasets: daily files travel up to 20 dates to a job, a download and an ingest each.
    await page.getByTestId('nav-coverage').click();
    await page.getByTestId('coverage-grid').waitFor();
    const missing = page.locator('[data-testid^="cell-stocks_daily-"][data-state="missing"]');
    await expect.poll(() => missing.count()).toBeGreaterThan(10);
    await missing.nth(0).click();
    await page.locator('[data-testid^="cell-options_daily-"][data-state="missing"]').nth(9).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('estimate-jobs').textContent()).toMatch(/^([4-9]|\d\d)$/);
    await page.getByTestId('backfill').click();
    await page.getByTestId('backfill-started').waitFor();

    await page.getByTestId('nav-runs').click();
    const running = page.locator('[data-testid^="run-row-"]').first();
    await expect.poll(() => running.textContent()).toMatch(/Running/i);
    await running.click();
    await expect.poll(() => page.getByTestId('run-detail').textContent()).toContain('1 download · 1 ingest worker · ');
    await ui.screenshot('run-uses-new-concurrency');
    await page.getByTestId('cancel-run').click();
    await expect.poll(() => page.locator('[data-testid^="run-row-"]').first().textContent(), { timeout: 60_000 }).toMatch(/Cancelled/i);
    await expect.poll(() => page.locator('[data-testid^="job-row-"][data-state="cancelled"]').count()).toBeGreaterThan(0);
    await ui.screenshot('run-cancelled');
  });

  it('System shows live memory gauges for the machine and each process, CPUs, mode and free disk', async () => {
    const { page } = ui;
    await page.getByTestId('nav-system').click();
    const gauge = page.getByTestId('memory-gauge');
    await gauge.waitFor();
    expect(['normal', 'warning', 'critical']).toContain(await gauge.getAttribute('data-level'));
    await expect.poll(() => page.locator('[data-testid^="process-"]').count()).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('cpu-count').textContent())).toBeGreaterThan(0);
    expect(await page.getByTestId('processing-mode').textContent()).toMatch(/\w/);
    expect(await page.getByTestId('disk-free').textContent()).toMatch(/\d/);
    await ui.screenshot('system');
  });

  it('is keyboard navigable: the navigation by arrows and Enter, actions by Tab', async () => {
    const { page } = ui;
    await page.getByTestId('nav-today').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-runs');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('nav-runs').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('nav-today').focus();
    await page.keyboard.press('Enter');
    const update = page.getByTestId('update-today');
    await update.waitFor();
    // Tab from the navigation reaches the page's primary action.
    let reached = false;
    for (let i = 0; i < 25 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'update-today';
    }
    expect(reached).toBe(true);
    await ui.screenshot('keyboard-focus');
  });

  it('logged no console errors and no page errors', () => {
    expect(ui.errors).toEqual([]);
  });
});
