/**
 * Accessibility and dark mode (issue 16) in Chromium against `quantmini serve` on a demo lake with
 * a month of data, a gap and one finished run: axe-core on every page, with its interesting states
 * open (a heatmap selection, a run with its log drawer, connection results, a SQL result), in the
 * light and the dark theme, failing on any serious or critical finding; the log drawer keeps focus
 * and closes on Escape; the heatmap is usable by keyboard at a year's range; the Lake grid takes
 * the full width at 1280 px. Dark screenshots of every page land in test/e2e/screenshots/dark-*.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakePaths } from '../../core/lake/lake-paths.ts';
import { seriousAxeFindings } from './support/axe.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { buildDemoData, monthOfDays } from './support/demo-month.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let lake: DemoLake;
let serve: ServeHandle;
const days = monthOfDays(20);
const gapDay = days[12]!;
const previewDay = days[4]!;
const browsers: TestBrowser[] = [];

/** Opens the app in a fresh browser with the given system appearance and window size. */
async function open(colorScheme: 'light' | 'dark', viewport = { width: 1440, height: 900 }, hash = '#/today'): Promise<TestBrowser> {
  const ui = await openApp(`${serve.url}${hash}`, { colorScheme, viewport });
  browsers.push(ui);
  return ui;
}

/** The states of each page the audit looks at; each resolves once the page shows what it should. */
const PAGES: Record<string, (ui: TestBrowser) => Promise<void>> = {
  today: async ({ page }) => {
    await page.getByTestId('nav-today').click();
    await page.getByTestId('freshness-stocks_daily').waitFor();
    await page.getByTestId('last-run').waitFor();
  },
  coverage: async ({ page }) => {
    await page.getByTestId('nav-coverage').click();
    await page.getByTestId(`cell-stocks_daily-${gapDay}`).click();
    await page.getByTestId('backfill-estimate').waitFor();
  },
  runs: async ({ page }) => {
    await page.getByTestId('nav-runs').click();
    await page.locator('[data-testid^="run-row-"]').first().click();
    await page.getByTestId('run-jobs').waitFor();
  },
  lake: async ({ page }) => {
    await page.getByTestId('nav-lake').click();
    const partition = `year=${previewDay.slice(0, 4)}/month=${previewDay.slice(5, 7)}`;
    await page.getByTestId('open-path-input').fill(`bronze/stocks_daily/${partition}/${previewDay}.parquet`);
    await page.getByTestId('open-path-button').click();
    await page.getByTestId('preview-row-0').waitFor();
    await page.getByTestId('parquet-row-groups').waitFor();
  },
  sql: async ({ page }) => {
    await page.getByTestId('nav-sql').click();
    await page.getByTestId('sql-editor').fill('SELECT ticker, window_start, close FROM stocks_daily ORDER BY 1, 2 LIMIT 20');
    await page.getByTestId('sql-run').click();
    await page.getByTestId('sql-summary').waitFor();
    await page.getByTestId('sql-view-columns-stocks_daily').click();
    await page.getByTestId('sql-columns-stocks_daily').waitFor();
  },
  system: async ({ page }) => {
    await page.getByTestId('nav-system').click();
    await page.getByTestId('memory-gauge').waitFor();
    await page.getByTestId('concurrency').waitFor();
  },
  settings: async ({ page }) => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('test-connection').click();
    await expect.poll(() => page.locator('[data-testid^="reachable-"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  },
};

beforeAll(async () => {
  lake = createDemoLake('a11y');
  await buildDemoData(lake, days, ['stocks_daily', 'options_daily']);
  fs.rmSync(lakePaths(lake.lakeRoot).bronzeFile('stocks_daily', gapDay));
  serve = await startServe(lake);
  // One finished run, so Runs has jobs and logs to show.
  const ui = await open('light');
  await ui.page.getByTestId('update-today').click();
  await ui.page.getByTestId('active-jobs').waitFor();
  await ui.page.getByTestId('active-jobs').waitFor({ state: 'detached', timeout: 120_000 });
  await ui.page.getByTestId('last-run').waitFor();
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  const code = await serve?.stop();
  lake?.cleanup();
  expect(code).toBe(0);
});

describe('accessibility and dark mode in the web host', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`axe finds nothing serious or critical on any page in the ${theme} theme`, async () => {
      const ui = await open(theme);
      const findings: string[] = [];
      for (const [name, show] of Object.entries(PAGES)) {
        await show(ui);
        expect(await ui.page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        findings.push(...(await seriousAxeFindings(ui.page)).map((f) => `${name}: ${f}`));
        if (theme === 'dark') await ui.screenshot(`dark-${name}`);
      }
      // The log drawer is a modal dialog over the Runs page.
      await PAGES.runs!(ui);
      await ui.page.locator('[data-testid^="job-row-ingest"]').first().getByTestId('view-log').click();
      await ui.page.getByTestId('job-log-text').waitFor();
      findings.push(...(await seriousAxeFindings(ui.page)).map((f) => `log drawer: ${f}`));
      if (theme === 'dark') await ui.screenshot('dark-runs-log');
      await ui.page.keyboard.press('Escape');
      expect(findings).toEqual([]);
      expect(ui.errors).toEqual([]);
    });
  }

  it('switches to dark from Settings whatever the system says, and keeps the choice after a reload', async () => {
    const ui = await open('light', undefined, '#/settings');
    const { page } = ui;
    await page.getByTestId('theme-dark').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(15, 18, 22)');
    await page.reload();
    await page.getByTestId('theme-dark').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.getByTestId('theme-dark').getAttribute('aria-checked')).toBe('true');
    await ui.screenshot('dark-settings-chosen');
    await page.getByTestId('theme-system').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  });

  it('keeps focus in the log drawer and closes it with Escape, returning focus to its button', async () => {
    const ui = await open('light', undefined, '#/runs');
    const { page } = ui;
    await page.locator('[data-testid^="run-row-"]').first().click();
    const button = page.locator('[data-testid^="job-row-ingest"]').first().getByTestId('view-log');
    await button.click();
    await page.getByTestId('job-log-text').waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="job-log"]')))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('job-log').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('view-log');
  });

  it('lets the keyboard walk and select the drawn columns of a one-year heatmap', async () => {
    const ui = await open('light', { width: 1280, height: 800 }, '#/coverage');
    const { page } = ui;
    await page.getByTestId('range-1y').click();
    const surface = page.getByTestId('heatmap-surface');
    await surface.waitFor();
    await surface.focus();
    await page.keyboard.press('End');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
    const cursor = page.getByTestId('heatmap-cursor');
    await expect.poll(() => cursor.textContent()).toMatch(/^Stocks day aggregates, \d+ \w{3} \d{4}: (Complete|Missing)$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => page.getByTestId('selection-summary').textContent()).toMatch(/^4 cells · /);
    await page.getByTestId('backfill-estimate').waitFor();
    await ui.screenshot('coverage-keyboard-1y');
    // Ticks on long ranges are thinned, never written over each other.
    for (const range of ['5y', '20y']) {
      await page.getByTestId(`range-${range}`).click();
      const drawnDays = () => page.getByTestId('heatmap').getAttribute('data-days').then(Number);
      await expect.poll(drawnDays).toBeGreaterThan(range === '5y' ? 1200 : 4900);
      const labels = await page
        .locator('[data-testid="heatmap-axis"] .tick.major')
        .evaluateAll((els) => els.map((e) => ({ text: e.textContent, box: e.getBoundingClientRect().toJSON() as DOMRect })));
      expect(labels.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < labels.length; i++) expect(labels[i]!.box.left).toBeGreaterThanOrEqual(labels[i - 1]!.box.right);
      await ui.screenshot(`coverage-axis-${range}-1280`);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it('draws a selection as an outline over unchanged cells, and drops the tooltip after a drag', async () => {
    const ui = await open('light', undefined, '#/coverage');
    const { page } = ui;
    const gap = page.getByTestId(`cell-stocks_daily-${gapDay}`);
    await gap.waitFor();
    const box = (await gap.boundingBox())!;
    const canvasPixel = (index: number, x: number, y: number) =>
      page.evaluate(
        ({ index, x, y }) => {
          const canvas = document.querySelectorAll<HTMLCanvasElement>('.heatmap-canvas')[index]!;
          const r = canvas.getBoundingClientRect();
          return [...canvas.getContext('2d')!.getImageData(Math.round(x - r.left), Math.round(y - r.top), 1, 1).data];
        },
        { index, x, y },
      );
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const before = await canvasPixel(0, centre.x, centre.y);
    // Drag from the gap two days to the right: three cells selected.
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + box.width * 2.2, centre.y, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('selection-summary').textContent()).toMatch(/^3 cells · /);
    expect(await page.getByTestId('cell-tooltip').count()).toBe(0);
    // The cell's own fill is untouched and the overlay is clear over it: only an outline marks the selection.
    expect(await canvasPixel(0, centre.x, centre.y)).toEqual(before);
    expect((await canvasPixel(1, centre.x, centre.y))[3]).toBe(0);
    expect((await canvasPixel(1, box.x - 1, centre.y))[3]).toBeGreaterThan(0);
    await ui.screenshot('coverage-drag-selection');
    // Moving on to another cell brings the tooltip back.
    await page.mouse.move(centre.x + box.width * 5, centre.y, { steps: 3 });
    await page.getByTestId('cell-tooltip').waitFor();
  });

  it('gives the Lake preview the full width at 1280 px, with the pager on one line', async () => {
    const ui = await open('light', { width: 1280, height: 800 }, '#/lake');
    const { page } = ui;
    await PAGES.lake!(ui);
    expect(await page.getByTestId('toggle-tree').textContent()).toBe('Show partitions');
    const preview = await page.getByTestId('parquet-preview').boundingBox();
    const main = await page.locator('#main').boundingBox();
    expect(preview!.width).toBeGreaterThan(main!.width - 80);
    const pager = await page.getByTestId('preview-pager').boundingBox();
    // One row of controls (36 px) plus its padding; a wrapped pager would be twice that.
    expect(pager!.height).toBeLessThan(60);
    // All nine columns of the daily bars fit, or scroll inside the grid rather than the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await ui.screenshot('lake-preview-1280');
    await page.getByTestId('toggle-tree').click();
    await page.getByTestId('lake-tree').waitFor();
    await ui.screenshot('lake-tree-open-1280');
  });
});
