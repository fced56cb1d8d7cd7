#!/usr/bin/env node
// Bundles the `quantmini` CLI and the workers it starts (job processes, the lake service, the
// feature and CSV worker threads) to ESM JavaScript with esbuild, so an installed CLI starts
// without compiling TypeScript through tsx on every run. bin/quantmini.js runs the bundle only
// when it is fresh (see cliBundleStaleReason) and falls back to the sources through tsx otherwise,
// so a clean clone needs no build step.
//
// Packages stay external (Node loads them from node_modules): DuckDB is native, parquet-wasm finds
// its .wasm beside itself, and code splitting keeps every `await import()` of our own modules a
// separate chunk, so the AWS SDK or DuckDB load only in the commands that reach them.
//
// Usage: node scripts/build-cli.js [--if-stale] [--out <dir>]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { importMetaUrlPlugin } from './import-meta-url-plugin.js';
import { cliBundleStaleReason, CLI_BUNDLE_DIR, CLI_BUNDLE_META } from '../bin/cli-bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points and the bundle each becomes (<name>.mjs); core/process/bundled-entry.ts finds the workers by these names. */
export const CLI_ENTRIES = {
  quantmini: 'core/cli/main.ts',
  'job-worker': 'core/runtime/job-worker.ts',
  'lake-service': 'core/lake-service/lake-service-entry.ts',
  'feature-worker': 'core/features/engine/feature-worker.ts',
  'csv-parse-worker': 'core/layers/gold/csv-parse-worker.ts',
};

// Core modules find files next to their source with `new URL('../x', import.meta.url)` (config/,
// package.json, sibling worker sources). In a bundle import.meta.url is the bundle's own URL, so each
// module's import.meta.url becomes the URL its source file has in the checkout (the bundle sits two
// folders below the root, in dist/cli).
const importMetaUrl = importMetaUrlPlugin(root);

// Every output file (entries and chunks alike) gets the helper above and records, once per thread,
// the folder of the bundle it runs from: that is how code asks "am I bundled?" (bundled-entry.ts).
const BANNER = [
  "const __qmFileUrl = (rel) => new URL('../../' + rel, import.meta.url).href;",
  'globalThis.__quantminiBundleDir ??= import.meta.dirname;',
].join('\n');

/** Bundles every entry into `outDir` (replaced whole, so no stale chunk survives); returns the entry bundles. */
export async function buildCli({ outDir = path.join(root, CLI_BUNDLE_DIR) } = {}) {
  const builtAtMs = Date.now();
  // Unique per build: two builds at once (two test projects' setups) must not share a staging folder.
  const suffix = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const staging = `${outDir}.tmp-${suffix}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(CLI_ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    banner: { js: BANNER },
    plugins: [importMetaUrl],
  });
  // Inputs are what the freshness check stats; builtAtMs is taken before reading them, so a source
  // saved while the build ran still counts as newer than the bundle.
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  fs.writeFileSync(path.join(staging, CLI_BUNDLE_META), JSON.stringify({ builtAtMs, inputs }));
  // Swap the finished folder in: a CLI starting meanwhile sees either bundle or none (then tsx).
  const old = `${outDir}.old-${suffix}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  try {
    fs.renameSync(staging, outDir);
  } catch (err) {
    // Another build swapped its folder in first; either is a whole, fresh bundle.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  return Object.keys(CLI_ENTRIES).map((name) => path.join(outDir, `${name}.mjs`));
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, CLI_BUNDLE_DIR);
  const reason = cliBundleStaleReason(outDir);
  if (args.includes('--if-stale') && !reason) {
    console.log('The CLI bundle is up to date.');
  } else {
    const started = Date.now();
    const files = await buildCli({ outDir });
    console.log(`Built ${files.length} CLI bundles in ${Date.now() - started} ms -> ${path.relative(root, outDir)}/`);
  }
}
