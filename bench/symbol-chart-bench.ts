/**
 * The Symbol page's first chart for 20 years of daily bars (`npm run bench -- symbol-chart`), in
 * Debian's Chromium against the real web host and lake service: a synthetic lake holds one
 * instrument's silver adjusted bars, one partition per NYSE trading day for 20 years, and its
 * universe rows. The page is opened on the Symbol search first (so the app's own start and its idle
 * page prefetches are over), then the instrument is chosen; from that moment to the chart drawn
 * every main-thread task of 50 ms or more is recorded (PerformanceObserver 'longtask'). That span
 * holds the request, the chart chunk loading and evaluating, and the first render.
 * Beside it: the worst delay of a 10 ms timer probe, the time to the chart drawn, and a toggle
 * from adjusted to raw close (a re-render of the same chart). Both spans are also traced, so each
 * reports the CPU time of its busiest main-thread task (main-thread-trace.ts): wall times grow with
 * the machine's load, CPU times much less.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppBackend, lakeServiceConfig } from '../core/app/app-backend.ts';
import { tradingDays } from '../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../core/config/index.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../core/lake-service/lake-service-client.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { createNodeProcessLauncher } from '../core/process/node-process-launcher.ts';
import { ensureRendererBuilt, rendererDistDir } from '../core/web-host/renderer-build.ts';
import { startWebHost } from '../core/web-host/web-host.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { LONG_TASK_PROBE } from './long-task-probe.ts';
import { traceMainThread } from './main-thread-trace.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const RUNS = 3;
const INSTRUMENT = 'BBG000BENCH20';
const TICKER = 'TWENTY';
const FROM = '2006-01-03';
const TO = '2025-12-31';

/**
 * Writes (once per machine; cached under the temp folder) a lake with 20 years of one instrument's
 * silver adjusted bars, a partition per trading day as silver writes them, and two universe days.
 */
export async function syntheticLake(): Promise<{ lakeRoot: string; days: number }> {
  const days = tradingDays(FROM, TO);
  const root = path.join(os.tmpdir(), 'quantmini-bench-cache', `symbol-chart-${days.length}`);
  const lakeRoot = path.join(root, 'lake');
  if (fs.existsSync(path.join(root, 'done'))) return { lakeRoot, days: days.length };
  fs.rmSync(root, { recursive: true, force: true });
  const paths = lakePaths(lakeRoot);
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  try {
    // A random walk with a 2-for-1 split halfway (the raw close halves there; the factor doubles).
    const list = days.map((d) => `DATE '${d}'`).join(',');
    await c.run(`CREATE TABLE d AS SELECT unnest([${list}]) AS date, generate_subscripts([${list}], 1) AS i`);
    await c.run(`CREATE TABLE bars AS
      WITH w AS (SELECT date, i, 50 * exp(sum(ln(1 + ((hash(i) % 4001)::BIGINT - 2000) / 100000.0)) OVER (ORDER BY i)) AS adj FROM d)
      SELECT '${INSTRUMENT}' AS instrument_id, '${TICKER}' AS ticker, date,
        CASE WHEN i < ${Math.floor(days.length / 2)} THEN adj * 2 ELSE adj END AS close,
        (1e6 + (hash(i * 7) % 9000000)::DOUBLE) AS volume,
        CASE WHEN i < ${Math.floor(days.length / 2)} THEN 1.0 ELSE 2.0 END AS factor
      FROM w`);
    for (const day of days) {
      const file = paths.parquetFile('silver', 'stocks_daily_adjusted', day);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await c.run(`COPY (SELECT instrument_id, ticker, date, close AS open, close AS high, close AS low, close, volume, factor,
          close * factor AS adj_close FROM bars WHERE date = DATE '${day}') TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    }
    for (const day of [days[0]!, days.at(-1)!]) {
      const file = paths.parquetFile('silver', 'universe', day);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await c.run(`COPY (SELECT '${INSTRUMENT}' AS instrument_id, '${TICKER}' AS ticker, DATE '${day}' AS date, 'Twenty Years Inc.' AS name,
          'CS' AS type, 'stocks' AS market, 'us' AS locale, 'XNYS' AS primary_exchange, NULL::VARCHAR AS cik,
          '${INSTRUMENT}' AS composite_figi, NULL::VARCHAR AS share_class_figi, DATE '${days[0]}' AS first_date,
          DATE '${day}' AS reference_date, NULL::DATE AS delisted_date) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  fs.writeFileSync(path.join(root, 'done'), '');
  return { lakeRoot, days: days.length };
}

const longest = (xs: Array<[number, number]>, from: number, to = Number.POSITIVE_INFINITY) =>
  Math.max(0, ...xs.filter(([at]) => at >= from && at <= to).map(([, d]) => d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One run: search page idle, then the instrument chosen; the long tasks up to the chart drawn, then a toggle. */
async function measureOnce(browser: Browser, page: Page, url: string, days: number) {
  await page.goto('about:blank');
  await page.goto(`${url}#/symbol`);
  await page.getByTestId('symbol-search').waitFor();
  // The app prefetches every page's chunk in idle periods after it opens; let that finish first.
  await page.waitForTimeout(2500);
  await page.evaluate(LONG_TASK_PROBE);
  const t0 = await page.evaluate(() => performance.now());
  const first = await traceMainThread(browser, page, async () => {
    await page.evaluate((id) => { location.hash = `#/symbol/${id}`; }, INSTRUMENT);
    // Generous: symbol.get reads 5,031 partitions, which a loaded 2-core machine can take minutes over.
    await page.locator('.chart-price-series path, path.chart-price-series').first().waitFor({ timeout: 240_000 });
    const drawnAt = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    await page.waitForTimeout(300);
    return drawnAt;
  });
  const points = Number(await page.getByTestId('price-chart').getAttribute('data-points'));
  if (!(points > 0 && points < days)) throw new Error(`the chart drew ${points} points for ${days} days (not downsampled?)`);
  // Playwright evaluates its helper script in the page the first time waitForFunction runs (15-25 ms
  // of CPU in one task); do it here, so the toggle's span holds the app's work only.
  await page.waitForFunction(() => document.querySelector('[data-testid="price-chart"]') !== null);
  const t1 = await page.evaluate(() => performance.now());
  const toggle = await traceMainThread(browser, page, async () => {
    await page.getByTestId('price-raw').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="price-chart"]')?.getAttribute('data-mode') === 'raw');
    await page.waitForTimeout(300);
  });
  const tasks = await page.evaluate<Array<[number, number]>>('window.__tasks');
  const delays = await page.evaluate<Array<[number, number]>>('window.__delays');
  return {
    task: longest(tasks, t0, t1),
    delay: longest(delays, t0, t1),
    drawnMs: first.result - t0,
    toggleTask: longest(tasks, t1),
    cpu: first.tasks.mostCpuMs,
    toggleCpu: toggle.tasks.mostCpuMs,
  };
}

/** Runs the Symbol chart bench and returns its rows. */
export async function runSymbolChartBench(): Promise<BenchRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-symbol-bench-'));
  const configFile = path.join(work, 'config.yaml');
  fs.writeFileSync(configFile, 'datasets:\n  enabled: [stocks_daily, stocks_daily_adjusted, universe]\n');
  await ensureRendererBuilt(undefined, (line) => console.error(line));
  const { lakeRoot, days } = await syntheticLake();
  const config = loadConfig({ config: configFile, dataRoot: lakeRoot, source: 'demo' });
  const launcher = createNodeProcessLauncher();
  const lakeService = createLakeServiceClient({ launcher, entry: nodeLakeServiceEntry(), config: lakeServiceConfig(config.settings, effectiveSource(config)) });
  const backend = await createAppBackend({ config, configFlags: { config: configFile, dataRoot: lakeRoot, source: 'demo' }, launcher, lakeService, host: 'web' });
  const host = await startWebHost({ backend, rendererDir: rendererDistDir() });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const runs: Array<Awaited<ReturnType<typeof measureOnce>>> = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // A first open warms the lake service's engine over the 5,000 partitions (a one-time cost of a
    // fresh lake process, not of the chart).
    await measureOnce(browser, page, host.url, days);
    for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(browser, page, host.url, days));
  } finally {
    await browser.close();
    await host.close();
    await backend.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const worst = Math.max(...runs.map((r) => r.task));
  const worstToggle = Math.max(...runs.map((r) => r.toggleTask));
  return [
    {
      name: `symbol page, first chart of ${days.toLocaleString('en-US')} daily bars (20 years): longest main-thread task, choose to drawn (0 = none of 50 ms+)`,
      value: worst,
      unit: 'ms',
      peer: { name: 'worst 10 ms timer delay', value: Math.max(...runs.map((r) => r.delay)), unit: 'ms' },
      budget: '< 50 ms',
      withinBudget: worst < 50,
    },
    {
      name: 'symbol page, first chart: CPU time of the busiest main-thread task (trace; load-independent)',
      value: Math.max(...runs.map((r) => r.cpu)),
      unit: 'ms',
      budget: '< 50 ms',
      withinBudget: Math.max(...runs.map((r) => r.cpu)) < 50,
    },
    { name: 'symbol page, choose to first chart drawn (request, chart chunk, render; median)', value: median(runs.map((r) => r.drawnMs)), unit: 'ms' },
    {
      name: 'symbol page, adjusted to raw close toggle: longest main-thread task',
      value: worstToggle,
      unit: 'ms',
      budget: '< 50 ms',
      withinBudget: worstToggle < 50,
    },
    {
      name: 'symbol page, toggle: CPU time of the busiest main-thread task (trace)',
      value: Math.max(...runs.map((r) => r.toggleCpu)),
      unit: 'ms',
      budget: '< 50 ms',
      withinBudget: Math.max(...runs.map((r) => r.toggleCpu)) < 50,
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runSymbolChartBench();
  console.log(formatBenchTable(`symbol-chart (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
  process.exit(0);
}
