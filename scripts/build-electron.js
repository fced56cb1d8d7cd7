#!/usr/bin/env node
// Bundles the Electron side to CommonJS with esbuild: the main process, the sandboxed preload, and
// the two utility-process entries (job worker, lake service). Electron loads plain JavaScript only,
// and a sandboxed preload must be a single CommonJS file. `electron` is provided by the runtime and
// DuckDB is a native module loaded from node_modules, so both stay external.
//
// Usage: node scripts/build-electron.js [--if-stale] [--out <dir>]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { importMetaUrlPlugin } from './import-meta-url-plugin.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points and the bundle each becomes. */
export const ELECTRON_ENTRIES = {
  main: 'electron/main.ts',
  preload: 'electron/preload.ts',
  'job-worker': 'core/runtime/job-worker.ts',
  'lake-service': 'core/lake-service/lake-service-entry.ts',
};

const EXTERNAL = ['electron', '@duckdb/node-api', 'bufferutil', 'utf-8-validate'];

// Core modules find files next to their source with `new URL('../x', import.meta.url)` (the
// shipped config/default.yaml, package.json). CommonJS has no import.meta, so each module's
// import.meta.url becomes the URL its source file would have inside the app folder (the bundles
// live in <app>/dist-electron, the app folder also ships config/ and package.json).
const importMetaUrl = importMetaUrlPlugin(root);

const BANNER = "const __qmFileUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', rel)).href;";

/** Newest modification time of the inputs recorded in a previous build's metafile (0 when unknown). */
function newestInput(metaFile) {
  try {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    let newest = 0;
    for (const input of Object.keys(meta.inputs)) {
      const stat = fs.statSync(path.resolve(root, input), { throwIfNoEntry: false });
      if (!stat) return Infinity;
      newest = Math.max(newest, stat.mtimeMs);
    }
    return newest;
  } catch {
    return Infinity;
  }
}

/** Why the Electron bundles need a build, or null when every bundle is newer than all its inputs. */
export function electronStaleReason(outDir = path.join(root, 'dist-electron')) {
  const metaFile = path.join(outDir, '.meta.json');
  let oldest = Infinity;
  for (const name of Object.keys(ELECTRON_ENTRIES)) {
    const stat = fs.statSync(path.join(outDir, `${name}.cjs`), { throwIfNoEntry: false });
    if (!stat) return `${path.relative(root, outDir)}/${name}.cjs is missing`;
    oldest = Math.min(oldest, stat.mtimeMs);
  }
  return newestInput(metaFile) > oldest ? 'sources changed since the last build' : null;
}

/** Bundles every entry into `outDir`; returns the output files. */
export async function buildElectron({ outDir = path.join(root, 'dist-electron') } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const common = {
    absWorkingDir: root,
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: EXTERNAL,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  };
  const { preload, ...nodeEntries } = ELECTRON_ENTRIES;
  const [node, sandboxed] = await Promise.all([
    build({
      ...common,
      entryPoints: Object.fromEntries(Object.entries(nodeEntries).map(([name, file]) => [name, path.join(root, file)])),
      banner: { js: BANNER },
      plugins: [importMetaUrl],
    }),
    // The preload runs sandboxed: no Node, no banner, nothing but `electron` to require.
    build({ ...common, entryPoints: { preload: path.join(root, preload) } }),
  ]);
  const inputs = { ...node.metafile.inputs, ...sandboxed.metafile.inputs };
  fs.writeFileSync(path.join(outDir, '.meta.json'), JSON.stringify({ inputs }));
  const preloadText = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  const required = [...preloadText.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]).filter((m) => m !== 'electron');
  if (required.length > 0) throw new Error(`the preload bundle requires ${[...new Set(required)].join(', ')}; a sandboxed preload may only require electron`);
  return Object.keys(ELECTRON_ENTRIES).map((name) => path.join(outDir, `${name}.cjs`));
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, 'dist-electron');
  const reason = electronStaleReason(outDir);
  if (args.includes('--if-stale') && !reason) {
    console.log('Electron bundles are up to date.');
  } else {
    const started = Date.now();
    const files = await buildElectron({ outDir });
    console.log(`Built ${files.length} Electron bundles in ${Date.now() - started} ms -> ${path.relative(root, outDir)}/`);
  }
}
