/**
 * The Feature sets page opening Alpha158 (`npm run bench -- feature-sets-page`, or
 * `node --import tsx bench/feature-sets-page-bench.ts`), in Chromium against the web host: gold
 * dumped from the qlib-small CSVs, Alpha158@1.0.0 built from it through the one build path (158
 * features, real stats), then from the Today page the hash switched to the version, timed in the
 * page from the switch to the frame that paints the version's figures and the first rows of its
 * expressions (budget < 300 ms), and to the frame with all 158 rows and the null-rate chart drawn (SVG, lazily
 * loaded). Each open is on a fresh document, so nothing comes from the query cache; the longest
 * main-thread task during the open is reported beside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { traceMainThread } from './main-thread-trace.ts';
import { createAppBackend, lakeServiceConfig } from '../core/app/app-backend.ts';
import { effectiveSource, loadConfig } from '../core/config/index.ts';
import { createLakeRegistry, DEFAULT_TICKERS_DAILY_FROM } from '../core/datasets/index.ts';
import { loadBuiltinManifest } from '../core/features/sets/feature-set-manifest.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../core/lake-service/lake-service-client.ts';
import { buildFeatureSet } from '../core/layers/features/feature-job.ts';
import { dumpCsvToGold } from '../core/layers/gold/csv-gold-dump.ts';
import { lakeGoldDir } from '../core/layers/gold/gold-store.ts';
import { createNodeProcessLauncher } from '../core/process/node-process-launcher.ts';
import { readQlibCalendar } from '../core/qlib/qlib-dir-reader.ts';
import { ensureRendererBuilt, rendererDistDir } from '../core/web-host/renderer-build.ts';
import { startWebHost } from '../core/web-host/web-host.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';

const OPENS = 5;
const BUILD_DAYS = 20;
const BUDGET_MS = 300;

/**
 * Runs in the page: switches the hash to the version and resolves with the times (from the switch) of
 * the frame that paints the 158 expressions (its animation-frame callback) and of the one that paints the chart,
 * plus the longest task meanwhile. A string, so tsx's helpers (esbuild's __name) do not reach the page.
 */
const OPEN_ALPHA158 = `new Promise((resolve, reject) => {
  // Long tasks by phase: up to the first paint (figures and expressions), and after it (the chart).
  const seen = [];
  const tasks = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) seen.push({ end: e.startTime + e.duration - t0, duration: e.duration });
  });
  tasks.observe({ type: 'longtask' });
  const t0 = performance.now();
  let painted = 0;
  // The next frame's callback: it runs right before that frame paints the DOM as it is now.
  const afterPaint = (cb) => requestAnimationFrame(() => cb(performance.now() - t0));
  let charted = false;
  const check = () => {
    // First paint: the version's figures and the first rows of its expressions (the rest follow in stages).
    if (!painted && document.querySelector('[data-testid="version-rows"]') && document.querySelector('[data-testid="expression-KMID"]')) {
      painted = -1;
      afterPaint((t) => {
        painted = t;
        check();
      });
    }
    const complete = document.querySelectorAll('[data-testid^="expression-"]').length >= 158 && document.querySelector('[data-testid="null-rate-KMID"]');
    if (painted > 0 && !charted && complete) {
      charted = true;
      observer.disconnect();
      afterPaint((t) => {
        tasks.disconnect();
        const longest = (after) => Math.max(0, ...seen.filter((x) => (x.end > painted) === after).map((x) => x.duration));
        resolve({ paint: painted, chart: t, longest: longest(false), chartLongest: longest(true) });
      });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  setTimeout(() => reject(new Error('the Alpha158 version did not open within 30 s')), 30000);
  window.location.hash = '#/features/alpha158/1.0.0';
})`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Gold from the fixture, Alpha158 over its last days. */
async function buildLake(lakeRoot: string): Promise<void> {
  const dir = lakeGoldDir(lakeRoot);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const csv = path.resolve('test', 'fixtures', 'qlib-small', 'csv');
  await dumpCsvToGold(csv, dir, { freq: 'day', dateField: 'date', excludeFields: ['symbol'], threads: 0 });
  const manifest = loadBuiltinManifest('alpha158');
  await buildFeatureSet({
    lakeRoot, manifest, manifestText: fs.readFileSync(manifest.origin, 'utf8'), dates: readQlibCalendar(dir).slice(-BUILD_DAYS),
    registry: createLakeRegistry({ tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM }),
  });
}

/** The feature-set page's open time for Alpha158, and its chart, in Chromium. */
export async function runFeatureSetsPageBench(): Promise<BenchRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-fsets-bench-'));
  const lakeRoot = path.join(work, 'lake');
  const configFile = path.join(work, 'config.yaml');
  fs.writeFileSync(configFile, 'demo:\n  tickers: 20\ndatasets:\n  enabled: [stocks_daily]\n');
  await ensureRendererBuilt(undefined, (line) => console.error(line));
  await buildLake(lakeRoot);
  const config = loadConfig({ config: configFile, dataRoot: lakeRoot, source: 'demo' });
  const launcher = createNodeProcessLauncher();
  const serviceConfig = lakeServiceConfig(config.settings, effectiveSource(config));
  const lakeService = createLakeServiceClient({ launcher, entry: nodeLakeServiceEntry(), config: serviceConfig });
  const configFlags = { config: configFile, dataRoot: lakeRoot, source: 'demo' as const };
  const backend = await createAppBackend({ config, configFlags, launcher, lakeService, host: 'web' });
  const host = await startWebHost({ backend, rendererDir: rendererDistDir() });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run',
    ],
  });
  const paint: number[] = [];
  const chart: number[] = [];
  const longest: number[] = [];
  const chartLongest: number[] = [];
  const cpu: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    for (let i = 0; i < OPENS; i++) {
      await page.goto(`${host.url}#/today`);
      await page.getByTestId('nav-features').waitFor();
      // Let the idle prefetch of other pages' chunks finish, as it has in a window open for a while.
      await page.waitForTimeout(1500);
      const traced = await traceMainThread(browser, page, () => page.evaluate(OPEN_ALPHA158));
      const r = traced.result as { paint: number; chart: number; longest: number; chartLongest: number };
      cpu.push(traced.tasks.mostCpuMs);
      paint.push(r.paint);
      chart.push(r.chart);
      longest.push(r.longest);
      chartLongest.push(r.chartLongest);
    }
  } finally {
    await browser.close();
    await host.close();
    await backend.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const p = median(paint);
  return [
    {
      name: `feature-set page open, Alpha158 (158 features), to first paint (median of ${OPENS})`,
      value: p, unit: 'ms', budget: `< ${BUDGET_MS} ms`, withinBudget: p < BUDGET_MS,
      peer: { name: 'longest main-thread task before it', value: median(longest), unit: 'ms' },
    },
    {
      name: 'feature-set page open, Alpha158, to all 158 rows and the null-rate chart drawn (SVG, lazy)',
      value: median(chart), unit: 'ms', peer: { name: 'longest main-thread task after first paint', value: median(chartLongest), unit: 'ms' },
    },
    {
      name: 'feature-set page open, Alpha158: CPU time of the busiest main-thread task (trace; load-independent)',
      value: median(cpu), unit: 'ms', budget: '< 50 ms', withinBudget: median(cpu) < 50,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBenchTable('feature sets page', await runFeatureSetsPageBench()));
}
