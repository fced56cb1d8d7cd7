/**
 * UI journeys of issue 17 in Chromium against `quantmini serve`, on a demo lake built by `update`
 * through the whole chain (flat files, REST, silver, gold, a feature set) over the last few
 * trading days, with a simulator seed whose market has a split inside them: the coverage switches
 * of every layer with a stage-worded estimate for a gold cell whose inputs are gone; the symbol
 * with the split (marker, tooltip, an adjusted line without the raw line's jump); an optionable
 * instrument's options chain on a chosen day, from the enriched options; the gold panel
 * with a health report and the Python lines copied; a feature set's version with its stats; axe
 * on each new page in light and dark; last, a bronze day rewritten (the simulator's corrected
 * file, downloaded and ingested again) leaves its silver and gold `stale`, and selecting the gold
 * cell rebuilds both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestPublishedTradingDay, previousTradingDay } from '../../core/calendar/index.ts';
import { lakePaths } from '../../core/lake/lake-paths.ts';
import { ingestDay } from '../../core/layers/bronze/flat-file-ingestor.ts';
import { downloadDay } from '../../core/sources/polygon/flat-file-downloader.ts';
import { destroySharedS3Clients } from '../../core/sources/polygon/s3-client.ts';
import { createMarket } from '../../core/sources/simulator/market/create-market.ts';
import { startSimulatorServers } from '../../core/sources/simulator/simulator-servers.ts';
import { seriousAxeFindings } from './support/axe.ts';
import type { Page } from 'playwright-core';
import { openApp, type TestBrowser } from './support/browser.ts';
import { createDemoLake, runQuantmini, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TICKERS = 20;
const DAYS = 8;
let lake: DemoLake;
let serve: ServeHandle;
const browsers: TestBrowser[] = [];
let split: { ticker: string; executionDate: string; splitFrom: number; splitTo: number };
let seed = 0;
let days: string[] = [];
// A day whose bronze, silver and gold are removed after the update, so its gold cell needs the chain again.
let goneDay = '';

/**
 * The first seed whose market (as the demo source builds it today) has a split after the window's
 * fourth day: silver knows an instrument by its FIGI from the first reference snapshot on, so the
 * split's instrument has a few days of bars before it.
 */
function seedWithSplit(from: string, to: string): { seed: number; split: typeof split } {
  for (let seed = 1; seed < 2000; seed++) {
    const s = createMarket({ seed, tickers: TICKERS, from, to }).splits().find((x) => x.executionDate > days[3]! && x.executionDate <= to);
    if (s) return { seed, split: s };
  }
  throw new Error(`no simulator seed has a split between ${days[3]} and ${to}`);
}

/** Searches the split's ticker and opens the instrument that traded under it on the split day. */
async function openSplitInstrument(page: Page): Promise<void> {
  await page.getByTestId('symbol-search').fill(split.ticker);
  const results = page.getByTestId(`symbol-result-${split.ticker}`);
  await results.first().waitFor();
  for (const link of await results.all()) {
    const [first, last] = [await link.getAttribute('data-first'), await link.getAttribute('data-last')];
    if (first && last && first < split.executionDate && last >= split.executionDate) return link.click();
  }
  throw new Error(`no search result for ${split.ticker} spans ${split.executionDate}`);
}

async function open(theme: 'light' | 'dark', hash: string): Promise<TestBrowser> {
  const ui = await openApp(`${serve.url}${hash}`, { colorScheme: theme });
  browsers.push(ui);
  return ui;
}

beforeAll(async () => {
  const latest = latestPublishedTradingDay(new Date());
  days = [latest];
  while (days.length < DAYS) days.unshift(previousTradingDay(days[0]!));
  const from = days[0]!;
  const found = seedWithSplit(from, latest);
  split = found.split;
  seed = found.seed;
  lake = createDemoLake('research');
  fs.writeFileSync(
    lake.configFile,
    [
      '# e2e: the whole chain over a few days of a small market with a split in them',
      'demo:',
      `  seed: ${found.seed}`,
      `  tickers: ${TICKERS}`,
      `  historyStart: ${from}`,
      'rest:',
      `  tickersDailyFrom: ${from}`,
      'datasets:',
      '  enabled: [stocks_daily, splits, dividends, ticker_events, tickers, adjustment_factors, stocks_daily_adjusted, universe,',
      '    options_daily, options_daily_enriched, qlib_us, features_daily]',
      '',
    ].join('\n'),
  );
  // Days back reach inside the history only (a REST unit before historyStart has no snapshots to
  // read); silver's "everything up to D" inputs pull the rest of the history in.
  const r = await runQuantmini(lake, ['update', '--days-back', String(DAYS - 3)], 600_000);
  if (r.code !== 0) throw new Error(`update failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  // Two days before the last: not the split day, so the chart around the split is whole.
  goneDay = days.filter((d) => d !== split.executionDate && d > days[1]!).at(-2)!;
  const p = lakePaths(lake.lakeRoot);
  fs.rmSync(p.bronzeFile('stocks_daily', goneDay));
  fs.rmSync(p.metadataFile('bronze', 'stocks_daily', goneDay));
  fs.rmSync(p.parquetFile('silver', 'stocks_daily_adjusted', goneDay));
  fs.rmSync(p.metadataFile('silver', 'stocks_daily_adjusted', goneDay));
  fs.rmSync(p.metadataFile('gold', 'qlib_us', goneDay));
  serve = await startServe(lake);
}, 900_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  const code = await serve?.stop();
  lake?.cleanup();
  expect(code).toBe(0);
});

describe('coverage of every layer, symbol, gold and feature sets in the web host', () => {
  it('switches between the five layers, each with a row per registry dataset, and words the estimate by stage', async () => {
    const ui = await open('light', '#/coverage');
    const { page } = ui;
    for (const id of ['landing', 'bronze', 'silver', 'features', 'gold']) await page.getByTestId(`layer-${id}`).waitFor();
    const day = days[3]!;
    await page.getByTestId('layer-bronze').click();
    await expect.poll(() => page.getByTestId(`cell-splits-${day}`).getAttribute('data-state')).toBe('complete');
    await page.getByTestId(`cell-news-${day}`).waitFor();
    await page.getByTestId('layer-silver').click();
    for (const ds of ['adjustment_factors', 'stocks_daily_adjusted', 'universe']) {
      await expect.poll(() => page.getByTestId(`cell-${ds}-${day}`).getAttribute('data-state')).toBe('complete');
    }
    await page.getByTestId('layer-features').click();
    await expect.poll(() => page.getByTestId(`cell-features_daily-${day}`).getAttribute('data-state')).toBe('complete');
    await page.getByTestId(`cell-features_alpha158-${day}`).waitFor();
    await page.getByTestId('layer-gold').click();
    await expect.poll(() => page.getByTestId(`cell-qlib_us-${day}`).getAttribute('data-state')).toBe('complete');
    await expect.poll(() => page.getByTestId(`cell-qlib_us-${goneDay}`).getAttribute('data-state')).toBe('missing');
    await page.getByTestId(`cell-qlib_us-${goneDay}`).click();
    // The gold day needs its ingest and silver builds first (and the engine may fetch the file again).
    const stages = page.getByTestId('estimate-stages');
    await expect.poll(() => stages.textContent(), { timeout: 60_000 }).toMatch(/ingest/);
    const text = (await stages.textContent()) ?? '';
    expect(text).toMatch(/^Runs (\d+ downloads?, )?1 ingest, \d+ silver builds?, \d+ gold updates?\.$/);
    await ui.screenshot('coverage-gold-estimate');
    expect(ui.errors).toEqual([]);
  });

  it('finds the instrument with the split by ticker, marks the split, and its adjusted close does not jump there', async () => {
    const ui = await open('light', '#/symbol');
    const { page } = ui;
    await openSplitInstrument(page);
    await page.locator('.chart-price-series path').first().waitFor();
    await page.locator('.chart-volume-bars path').first().waitFor();
    expect(await page.getByTestId('price-chart').getAttribute('data-mode')).toBe('adjusted');
    const marker = page.getByTestId(`marker-split-${split.executionDate}`);
    await marker.hover();
    const tip = page.getByTestId('marker-tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain(`${split.splitTo}-for-${split.splitFrom}`);
    const raw = Number(await tip.getAttribute('data-raw-change'));
    const adjusted = Number(await tip.getAttribute('data-adjusted-change'));
    // The raw close moves by about the split ratio; the adjusted one by a day's move only.
    expect(Math.abs(raw - (split.splitFrom / split.splitTo - 1))).toBeLessThan(0.25);
    expect(Math.abs(adjusted)).toBeLessThan(0.2);
    expect(Math.abs(raw - adjusted)).toBeGreaterThan(0.2);
    // The overlay: the demo's feature set, its first feature, drawn on its own axis over the close.
    await page.getByTestId('overlay-set').selectOption('daily@1.0.0');
    await expect.poll(() => page.getByTestId('overlay-feature').inputValue()).not.toBe('');
    await page.locator('.chart-overlay-series path').first().waitFor();
    expect(Number(await page.getByTestId('price-chart').getAttribute('data-overlay-points'))).toBeGreaterThan(1);
    await page.getByTestId('options-chain').waitFor();
    await ui.screenshot('symbol-split');
    await page.getByTestId('price-raw').click();
    // The radio follows the click at once; the chart redraws in a deferred render just after.
    expect(await page.getByTestId('price-raw').getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => page.getByTestId('price-chart').getAttribute('data-mode')).toBe('raw');
    await page.getByTestId(`timeline-split-${split.executionDate}`).waitFor();
    expect(ui.errors).toEqual([]);
  });

  it("shows an optionable instrument's options chain on a chosen day, from the enriched options", async () => {
    // The simulator lists options on its largest names only: take an underlying from the lake's enriched options.
    const file = lakePaths(lake.lakeRoot).parquetFile('silver', 'options_daily_enriched', days.at(-1)!);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const underlying = String((await c.runAndReadAll(`SELECT min(underlying) FROM read_parquet('${file}')`)).getRows()[0]![0]);
    c.closeSync();
    db.closeSync();
    const ui = await open('light', '#/symbol');
    const { page } = ui;
    await page.getByTestId('symbol-search').fill(underlying);
    await page.getByTestId(`symbol-result-${underlying}`).first().click();
    // The earliest day with options: one row per expiration, none expired before that day, contracts listed.
    const dayPick = page.getByTestId('options-day');
    await dayPick.waitFor();
    const offered = await dayPick.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const chosen = [...offered].sort()[0]!;
    expect(days).toContain(chosen);
    await dayPick.selectOption(chosen);
    await expect.poll(() => dayPick.inputValue()).toBe(chosen);
    const expiries = await page.locator('[data-testid^="options-expiry-"]').evaluateAll((rows) =>
      rows.map((r) => ({ expiration: r.getAttribute('data-testid')!.slice('options-expiry-'.length), calls: r.children[2]!.textContent })),
    );
    expect(expiries.length).toBeGreaterThan(0);
    expect(expiries.every((e) => e.expiration >= chosen)).toBe(true);
    expect(expiries.some((e) => Number(e.calls?.replace(/,/g, '')) > 0)).toBe(true);
    await ui.screenshot('symbol-options-chain');
    expect(ui.errors).toEqual([]);
  });

  it('shows the gold directory, runs a health check grouped by rule, and copies the Python lines', async () => {
    const ui = await open('light', '#/gold');
    const { page } = ui;
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin });
    await page.getByTestId('gold-status').waitFor();
    expect(await page.getByTestId('gold-dir').textContent()).toBe(path.join(lake.lakeRoot, 'gold', 'qlib', 'us'));
    expect(await page.getByTestId('gold-freqs').textContent()).toBe('day');
    expect(Number(await page.getByTestId('gold-instruments').textContent())).toBeGreaterThan(0);
    await page.getByTestId('gold-no-report').waitFor();
    await page.getByTestId('run-gold-check').click();
    await page.getByTestId('gold-report-summary').waitFor({ timeout: 60_000 });
    // The gone day left a hole in gold's calendar (the records say so; the directory is whole), so
    // the summary reads whatever the rules found; grouped sections carry their rule names.
    expect(await page.getByTestId('gold-report-summary').textContent()).toMatch(/^Checked .*: .*warnings?\.$/);
    await page.getByTestId('copy-python').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(
      `import qlib\nqlib.init(provider_uri=${JSON.stringify(path.join(lake.lakeRoot, 'gold', 'qlib', 'us'))}, region="us")`,
    );
    await ui.screenshot('gold-panel');
    expect(fs.existsSync(path.join(lake.lakeRoot, 'metadata', 'checks', 'qlib_us.day.json'))).toBe(true);
    expect(ui.errors).toEqual([]);
  });

  it('opens a feature set version with its expressions and null rate per feature', async () => {
    const ui = await open('light', '#/features');
    const { page } = ui;
    await page.getByTestId('feature-version-daily-1.0.0').click();
    await page.getByTestId('feature-version').waitFor();
    for (const f of ['daily_return', 'price_range', 'relative_volume']) {
      await page.getByTestId(`expression-${f}`).waitFor();
      const rate = Number(await page.getByTestId(`null-rate-${f}`).getAttribute('data-rate'));
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    // The first day of every instrument has no previous close: daily_return has nulls, price_range none.
    expect(Number(await page.getByTestId('null-rate-daily_return').getAttribute('data-rate'))).toBeGreaterThan(0);
    expect(await page.getByTestId('expression-daily_return').locator('.expr-field').first().textContent()).toBe('$close');
    await ui.screenshot('feature-set-version');
    expect(ui.errors).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`axe finds nothing serious or critical on the new pages in the ${theme} theme`, async () => {
      const ui = await open(theme, '#/symbol');
      const { page } = ui;
      const findings: string[] = [];
      const audit = async (name: string) => {
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        findings.push(...(await seriousAxeFindings(page)).map((f) => `${name}: ${f}`));
        if (theme === 'dark') await ui.screenshot(`dark-${name}`);
      };
      await openSplitInstrument(page);
      await page.locator('.chart-price-series path').first().waitFor();
      await page.getByTestId('overlay-set').selectOption('daily@1.0.0');
      await page.locator('.chart-overlay-series path').first().waitFor();
      await page.getByTestId(`marker-split-${split.executionDate}`).focus();
      await page.getByTestId('marker-tooltip').waitFor();
      await audit('symbol');
      await page.getByTestId('nav-gold').click();
      await page.getByTestId('gold-report').waitFor();
      await audit('gold');
      await page.getByTestId('nav-features').click();
      await page.getByTestId('feature-version-daily-1.0.0').click();
      await page.getByTestId('null-rate-chart').waitFor();
      await audit('feature-sets');
      await page.getByTestId('nav-coverage').click();
      await page.getByTestId('layer-gold').click();
      await page.getByTestId(`cell-qlib_us-${goneDay}`).click();
      await page.getByTestId('estimate-stages').waitFor();
      await audit('coverage-gold');
      expect(findings).toEqual([]);
      expect(ui.errors).toEqual([]);
    });
  }

  it('a bronze day rewritten makes its silver and gold stale; selecting the gold cell rebuilds both', async () => {
    // Before the split and the gone day: every layer of it is complete after the update.
    const day = days[3]!;
    // The corrected file, as upstream publishes it: the same market with one row altered, a new ETag.
    const sim = await startSimulatorServers({ seed, tickers: TICKERS, from: days[0]!, to: days.at(-1)!, faults: `replaced@${day}/stocks_daily` });
    try {
      const access = { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey };
      const d = await downloadDay({ lakeRoot: lake.lakeRoot, dataset: 'stocks_daily', date: day, access, retry: { requestAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } });
      expect(d.state).toBe('complete');
    } finally {
      destroySharedS3Clients();
      await sim.close();
    }
    const ingest = await ingestDay({ lakeRoot: lake.lakeRoot, dataset: 'stocks_daily', date: day, duckdb: { threads: 1, memoryLimit: '512MB' } });
    expect(ingest.state).toBe('complete');

    const ui = await open('light', '#/coverage');
    const { page } = ui;
    const silver = ['adjustment_factors', 'stocks_daily_adjusted', 'universe'];
    const cellState = (ds: string) => page.getByTestId(`cell-${ds}-${day}`).getAttribute('data-state');
    await page.getByTestId('layer-bronze').click();
    await expect.poll(() => cellState('stocks_daily')).toBe('complete');
    await page.getByTestId('layer-silver').click();
    for (const ds of silver) await expect.poll(() => cellState(ds)).toBe('stale');
    await page.getByTestId('layer-gold').click();
    // Gold's own inputs (the silver files) have not changed yet: it is stale through them.
    await expect.poll(() => cellState('qlib_us')).toBe('stale');
    await page.getByTestId(`cell-qlib_us-${day}`).hover();
    await expect.poll(() => page.getByTestId('cell-tooltip').textContent()).toContain(`its input stocks_daily_adjusted silver ${day} is stale`);

    await page.getByTestId(`cell-qlib_us-${day}`).click();
    const stages = page.getByTestId('estimate-stages');
    await expect.poll(() => stages.textContent(), { timeout: 60_000 }).toMatch(/^Runs /);
    // The day's three silver builds, then its gold: nothing to fetch, bronze is fresh.
    expect(await stages.textContent()).toBe('Runs 3 silver builds, 1 gold update.');
    expect(await page.getByTestId('estimate-complete').textContent()).toBe('0');
    await page.getByTestId('backfill').click();
    await page.getByTestId('backfill-started').waitFor();
    await expect.poll(() => cellState('qlib_us'), { timeout: 180_000 }).toBe('complete');
    await page.getByTestId('layer-silver').click();
    for (const ds of silver) await expect.poll(() => cellState(ds)).toBe('complete');
    await ui.screenshot('coverage-stale-rebuilt');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
