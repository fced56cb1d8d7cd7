/**
 * The CI packaging check (scripts/check-package.js) end to end: electron-builder lays out the Linux
 * dir target against a stub Electron dist, the check passes and prints the payload beside its
 * budget; the job worker bundled in that asar runs a real update (download and ingest against the
 * simulator) with the DuckDB packaged beside it; and the check fails, naming the problem, when the
 * result is tampered with (a dev dependency slipped in, a fuse left on, the binding packed away).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { runEngine } from '../../../core/runtime/run-engine.ts';
// @ts-expect-error -- plain JavaScript build script without type declarations
import { checkPackagedApp, runPackagingCheck, SIZE_BUDGET_MB } from '../../../scripts/check-package.js';
// @ts-expect-error -- plain JavaScript build script without type declarations
import { FUSE_SENTINEL } from '../../../scripts/stub-electron-dist.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

interface CheckReport {
  failures: string[];
  figures: { payloadMb: number; budgetMb: number; packages: string[] };
  appOutDir: string;
}

let report: CheckReport;
const lines: string[] = [];
const temps: string[] = [];

beforeAll(async () => {
  report = (await runPackagingCheck({ keep: true, log: (l: string) => lines.push(l) })) as CheckReport;
  // The figure CI is asked to print.
  console.log(lines.join('\n'));
}, 240_000);
afterAll(() => {
  if (report?.appOutDir) fs.rmSync(path.dirname(path.dirname(report.appOutDir)), { recursive: true, force: true });
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}

describe('packaged Linux dir target (stub Electron)', () => {
  it('passes every check and prints the payload beside its budget', () => {
    expect(report.failures).toEqual([]);
    expect(report.figures.payloadMb).toBeGreaterThan(0);
    expect(report.figures.payloadMb).toBeLessThanOrEqual(SIZE_BUDGET_MB);
    expect(lines[0]).toMatch(/app payload [\d.]+ MB \(budget \d+ MB\)/);
    expect(report.figures.packages).toEqual(['@duckdb/node-api', '@duckdb/node-bindings', 'detect-libc']);
  });

  it("runs an update through the asar's own job worker and DuckDB", async () => {
    const extracted = temp('qm-packaged-app-');
    asar.extractAll(path.join(report.appOutDir, 'resources', 'app.asar'), extracted);
    const lake = temp('qm-packaged-lake-');
    const configFile = path.join(lake, 'config.yaml');
    fs.writeFileSync(configFile, 'demo:\n  tickers: 5\n');
    const config = loadConfig({ config: configFile, dataRoot: lake, source: 'demo' });
    const outcome = await runEngine(
      {
        settings: config.settings,
        source: effectiveSource(config),
        launcher: createNodeProcessLauncher(),
        workerEntry: path.join(extracted, 'dist-electron', 'job-worker.cjs'),
        command: 'packaging test',
      },
      { target: { kind: 'update', date: '2024-03-05', datasets: ['stocks_daily'] } },
    );
    expect(outcome.summary?.state).toBe('complete');
    expect(outcome.summary?.jobs.map((j) => j.state)).toEqual(expect.arrayContaining(['complete']));
    expect(fs.existsSync(path.join(lake, 'bronze', 'stocks_daily', 'year=2024', 'month=03', '2024-03-05.parquet'))).toBe(true);
  }, 120_000);

  it('fails, naming the problem, when a dev dependency, an open fuse or a packed binding is found', async () => {
    const unpacked = path.join(report.appOutDir, 'resources', 'app.asar.unpacked');
    fs.mkdirSync(path.join(unpacked, 'node_modules', 'vitest'), { recursive: true });
    fs.writeFileSync(path.join(unpacked, 'node_modules', 'vitest', 'package.json'), '{"name":"vitest"}');
    const binary = path.join(report.appOutDir, 'quantmini');
    const bytes = fs.readFileSync(binary);
    bytes[bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2] = 0x31; // RunAsNode back on
    fs.writeFileSync(binary, bytes);
    const binding = fs.readdirSync(path.join(unpacked, 'node_modules', '@duckdb')).find((n) => n.startsWith('node-bindings-'));
    fs.rmSync(path.join(unpacked, 'node_modules', '@duckdb', binding!, 'duckdb.node'));
    const { failures } = (await checkPackagedApp(report.appOutDir)) as CheckReport;
    expect(failures).toEqual(
      expect.arrayContaining([
        'devDependency vitest is inside the app',
        'fuse runAsNode is true, config asks false',
        expect.stringMatching(/^DuckDB's binding is not unpacked/),
      ]),
    );
  }, 60_000);
});
