/**
 * Engine benchmarks (`npm run bench -- engine`):
 * - planning a 20-year backfill of every dataset of every layer, on a lake holding 20 years of
 *   bronze records for ten datasets, beside the floor of reading each of those records once
 *   (budget: under 2 s);
 * - a no-op `quantmini update` (everything up to date) from process start to exit, run from the
 *   CLI bundle (dist/cli, built first when stale) as an installed CLI runs, beside `quantmini
 *   --version`, the cost of starting the CLI at all (budget: under 1 s); and the same update from
 *   the TypeScript sources through tsx (QUANTMINI_FROM_SOURCE=1), beside a bare `node` start.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { effectiveSource, loadConfig } from '../core/config/index.ts';
import { createLakeRegistry } from '../core/datasets/index.ts';
import { planRequest, registryOptionsOf } from '../core/runtime/run-engine.ts';
// @ts-expect-error -- plain JavaScript build script without type declarations
import { buildCli } from '../scripts/build-cli.js';
// @ts-expect-error -- bin/ is plain JavaScript outside the TypeScript project
import { cliBundleStaleReason } from '../bin/cli-bundle.js';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { HISTORY, synthesizeHistory } from './synthetic-history.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'quantmini.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Reads and parses every partition record under the lake once: the floor for anything that looks at all of them. */
function readEveryRecord(lakeRoot: string): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        JSON.parse(fs.readFileSync(p, 'utf8'));
        n++;
      }
    }
  };
  walk(path.join(lakeRoot, 'metadata'));
  return n;
}

async function planningRows(): Promise<BenchRow[]> {
  const lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-engine-'));
  try {
    const records = synthesizeHistory(lake);
    const config = loadConfig({ dataRoot: lake, source: 'demo' });
    const host = { settings: config.settings, source: effectiveSource(config) };
    const registry = createLakeRegistry(registryOptionsOf(config.settings));
    const datasets = registry.entries.map((d) => d.id);
    const floor: number[] = [];
    const plan: number[] = [];
    let jobs = 0;
    for (let i = 0; i < 3; i++) {
      let t = performance.now();
      readEveryRecord(lake);
      floor.push(performance.now() - t);
      t = performance.now();
      const p = await planRequest(host, { target: { kind: 'range', datasets, from: HISTORY.from, to: HISTORY.to } });
      plan.push(performance.now() - t);
      jobs = p.jobs.length;
    }
    const ms = median(plan);
    return [{
      name: `plan a 20-year backfill of ${datasets.length} datasets (${jobs} jobs; ${records} records present)`,
      value: ms, unit: 'ms',
      peer: { name: 'read every record once', value: median(floor), unit: 'ms' },
      budget: '< 2000 ms', withinBudget: ms < 2000,
    }];
  } finally {
    fs.rmSync(lake, { recursive: true, force: true });
  }
}

function cliMs(args: string[], env: NodeJS.ProcessEnv, script: string[] = [BIN]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...script, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`quantmini ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(-500)}`);
  return ms;
}

async function noOpUpdateRows(): Promise<BenchRow[]> {
  if ((cliBundleStaleReason as () => string | null)() !== null) await (buildCli as () => Promise<string[]>)();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-home-'));
  const lake = path.join(home, 'lake');
  const { QUANTMINI_FROM_SOURCE: _ignored, ...inherited } = process.env;
  const env = { ...inherited, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  const fromSource = { ...env, QUANTMINI_FROM_SOURCE: '1' };
  const update = ['--data-root', lake, '--source', 'demo', 'update', '--datasets', 'stocks_daily', '--days-back', '2'];
  try {
    cliMs(update, env); // fills the lake; the runs below find nothing to do
    const stale = (cliBundleStaleReason as () => string | null)();
    if (stale !== null) throw new Error(`the CLI bundle went stale during the bench (${stale}): its figures would be from source`);
    const noop: number[] = [];
    const version: number[] = [];
    const noopSource: number[] = [];
    const bareNode: number[] = [];
    for (let i = 0; i < 3; i++) {
      noop.push(cliMs(update, env));
      version.push(cliMs(['--version'], env));
      noopSource.push(cliMs(update, fromSource));
      bareNode.push(cliMs([], env, ['-e', '']));
    }
    const ms = median(noop);
    return [{
      name: 'no-op update, process start to exit (CLI bundle)', value: ms, unit: 'ms',
      peer: { name: 'quantmini --version (bundle)', value: median(version), unit: 'ms' },
      budget: '< 1000 ms', withinBudget: ms < 1000,
    }, {
      name: 'no-op update from the sources through tsx (a clean clone, no build)', value: median(noopSource), unit: 'ms',
      peer: { name: 'node start alone', value: median(bareNode), unit: 'ms' },
    }];
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Runs the engine benchmarks and returns their rows. */
export async function runEngineBench(): Promise<BenchRow[]> {
  return [...(await planningRows()), ...(await noOpUpdateRows())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBenchTable('engine', await runEngineBench()));
}
