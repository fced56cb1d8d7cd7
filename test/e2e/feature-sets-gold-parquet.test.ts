/**
 * UI journeys of issue 17 (items 3, 5, 6) in Chromium against `quantmini serve`, on a lake whose
 * gold is the qlib-small fixture and whose feature set `daily` has two built versions (the second
 * with a shorter window and one more feature): a version opened with its stats and coverage, the
 * two versions diffed, a note saved, a bad expression pointed at, a range build estimated; the gold
 * panel with the stored health report and a check run from the UI; a Parquet file from outside the
 * lake dropped on the Lake page; axe on each in light and dark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDuckDb, sqlString } from '../../core/duckdb/duckdb-instance.ts';
import { readExperiments } from '../../core/layers/features/feature-versions.ts';
import { seriousAxeFindings } from './support/axe.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { buildVersion, builtinManifestText, dumpFixtureGold, storeGoldReport } from './support/feature-lake.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

let lake: DemoLake;
let serve: ServeHandle;
let outside = '';
let parquetFile = '';
const browsers: TestBrowser[] = [];

/** daily@1.1.0: relative_volume over 10 days instead of 20, and an added feature. */
function secondVersion(text: string): string {
  return text
    .replace('version: 1.0.0', 'version: 1.1.0')
    .replace('parent_version: null', 'parent_version: "1.0.0"')
    .replace('window: 20', 'window: 10')
    .replace('labels:', '  close_to_high: "$close/$high"\nlabels:');
}

async function open(theme: 'light' | 'dark', hash: string): Promise<TestBrowser> {
  const ui = await openApp(`${serve.url}${hash}`, { colorScheme: theme });
  browsers.push(ui);
  return ui;
}

/** Drops `file` on the Lake page the way the browser does: a drop event carrying a DataTransfer with the file. */
async function dropFile(page: Page, file: string): Promise<void> {
  const bytes = [...fs.readFileSync(file)];
  await page.getByTestId('lake-page').evaluate(
    (el, { bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/vnd.apache.parquet' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { bytes, name: path.basename(file) },
  );
}

beforeAll(async () => {
  lake = createDemoLake('fsets');
  const calendar = await dumpFixtureGold(lake.lakeRoot);
  const daily = builtinManifestText('daily');
  await buildVersion(lake.lakeRoot, daily, calendar.slice(-25));
  await buildVersion(lake.lakeRoot, secondVersion(daily), calendar.slice(-15));
  await storeGoldReport(lake.lakeRoot);
  // A Parquet file outside the lake, three row groups, ZSTD like the lake's own.
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-e2e-outside-'));
  parquetFile = path.join(outside, 'trades.parquet');
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    await db.connection.run(
      `COPY (SELECT i AS id, 'T' || (i % 7) AS ticker, i * 0.5 AS price FROM range(30000) t(i))
       TO ${sqlString(parquetFile)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 10000)`,
    );
  } finally {
    db.close();
  }
  serve = await startServe(lake);
}, 300_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  const code = await serve?.stop();
  lake?.cleanup();
  if (outside) fs.rmSync(outside, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('feature sets, the gold panel and a dropped Parquet file in the web host', () => {
  it('opens a version with its stats and coverage, diffs two versions, saves a note and points at a bad expression', async () => {
    const ui = await open('light', '#/features');
    const { page } = ui;
    await page.getByTestId('feature-version-daily-1.1.0').click();
    await page.getByTestId('feature-version').waitFor();
    // Stats: the null-rate chart (SVG, lazily loaded) and the coverage strip.
    for (const f of ['daily_return', 'price_range', 'relative_volume', 'close_to_high']) {
      const rate = Number(await page.getByTestId(`null-rate-${f}`).getAttribute('data-rate'));
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    expect(await page.getByTestId('feature-coverage-summary').textContent()).toMatch(/^15 of 15 trading days built/);
    // The diff against v1.0.0: relative_volume changed (window), close_to_high added, values compared.
    expect(await page.getByTestId('version-diff-summary').textContent())
      .toMatch(/^v1\.0\.0 → v1\.1\.0: 1 changed, 1 added, 0 removed; values compared on /);
    await page.getByTestId('diff-changed-relative_volume').waitFor();
    await page.getByTestId('diff-added-close_to_high').waitFor();
    expect(Number(await page.getByTestId('diff-values-relative_volume').getAttribute('data-differing'))).toBeGreaterThan(0);
    // A note on the build, saved through the contract into the experiments log.
    const note = page.getByTestId('note-daily-1-1-0-1');
    await note.fill('window 10: faster to react');
    await page.getByTestId('save-note-daily-1-1-0-1').click();
    await expect.poll(() => readExperiments(lake.lakeRoot).find((e) => e.id === 'daily@1.1.0#1')?.note).toBe('window 10: faster to react');
    // A misspelt operator in an edited copy of the manifest is underlined where it is.
    const editor = page.getByTestId('manifest-text');
    await editor.fill(((await editor.inputValue()) ?? '').replace('Mean($volume', 'Maen($volume'));
    await page.getByTestId('manifest-check').click();
    const problem = page.getByTestId('manifest-problem-relative_volume');
    await problem.waitFor();
    expect(await problem.getByTestId('expr-error').textContent()).toContain('Maen');
    expect(await page.getByTestId('manifest-error').textContent()).toMatch(/relative_volume/);
    // Build over a range: estimated through the planner, worded by stage.
    // From the start of August: the days before the versions' ranges need building.
    await page.getByTestId('build-from').fill('2021-08-02');
    await page.getByTestId('build-estimate').click();
    await expect
      .poll(() => page.getByTestId('build-stages').textContent(), { timeout: 60_000 })
      .toMatch(/^\d+ trading days: runs .*feature-set builds?/);
    await ui.screenshot('feature-set-diff');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  it('shows the stored gold health report grouped by kind, links findings to symbols, and runs a check off the host thread', async () => {
    const ui = await open('light', '#/gold');
    const { page } = ui;
    await page.getByTestId('gold-report').waitFor();
    const before = await page.getByTestId('gold-report-summary').textContent();
    expect(before).toMatch(/^Checked /);
    const link = page.locator('[data-testid^="finding-link-"]').first();
    const instrument = (await link.textContent()) ?? '';
    expect(await link.getAttribute('href')).toBe(`#/symbol/find/${encodeURIComponent(instrument)}`);
    expect(await page.getByTestId('python-lines').textContent()).toContain('qlib.init(provider_uri=');
    await page.getByTestId('run-gold-check').click();
    await expect.poll(() => page.getByTestId('gold-report-summary').textContent(), { timeout: 60_000 }).not.toBe(before);
    expect(fs.existsSync(path.join(lake.lakeRoot, 'metadata', 'checks', 'qlib_us.day.json'))).toBe(true);
    await ui.screenshot('gold-health-report');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  it('shows schema, row groups and first rows of a Parquet file dropped from outside the lake, reading only part of it', async () => {
    const ui = await open('light', '#/lake');
    const { page } = ui;
    await page.getByTestId('lake-empty').waitFor();
    await dropFile(page, parquetFile);
    const dropped = page.getByTestId('dropped-file');
    await dropped.waitFor();
    expect(await page.getByTestId('dropped-rows').textContent()).toBe('30,000');
    expect(await page.getByTestId('dropped-row-groups').textContent()).toBe('3');
    expect(await page.getByTestId('dropped-cell-0-id').textContent()).toBe('0');
    expect(await page.getByTestId('dropped-cell-0-ticker').textContent()).toBe('T0');
    expect(await page.getByTestId('dropped-schema').textContent()).toContain('ticker');
    // The footer and the first row group only: well under the whole file.
    const read = Number(await dropped.getAttribute('data-bytes-read'));
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(fs.statSync(parquetFile).size * 0.6);
    await ui.screenshot('lake-dropped-parquet');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  // The light theme is audited at the end of each journey above; the dark one here, page by page.
  it('axe finds nothing serious or critical on these pages in the dark theme', async () => {
    const theme = 'dark';
    const ui = await open(theme, '#/features/daily/1.1.0');
    const { page } = ui;
    const findings: string[] = [];
    const audit = async (name: string) => {
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      findings.push(...(await seriousAxeFindings(page)).map((f) => `${name}: ${f}`));
      await ui.screenshot(`dark-${name}`);
    };
    await page.getByTestId('null-rate-chart').waitFor();
    await page.getByTestId('version-diff').waitFor();
    await page.getByTestId('feature-coverage').waitFor();
    await page.getByTestId('experiments-card').locator('textarea').first().waitFor();
    await audit('feature-sets-diff');
    await page.getByTestId('nav-gold').click();
    await page.getByTestId('gold-report').waitFor();
    await audit('gold-report');
    await page.getByTestId('nav-lake').click();
    await page.getByTestId('lake-empty').waitFor();
    await dropFile(page, parquetFile);
    await page.getByTestId('dropped-cell-0-id').waitFor();
    await audit('lake-dropped');
    expect(findings).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
