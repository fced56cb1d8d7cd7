#!/usr/bin/env node
// The CI packaging check: builds the Linux `dir` target against a stub Electron dist (the runtime
// cannot be downloaded here) and inspects what electron-builder produced:
//   - app.asar holds the four bundles, the renderer, the shipped config and a package.json whose
//     product name and version are the repository's;
//   - DuckDB's native binding (duckdb.node and its shared library) sits outside the asar;
//   - no package from devDependencies, no TypeScript, no tsx and no source maps are inside;
//   - the fuse wire in the packaged binary says what build/electron-builder.yml asks for;
//   - the packaged main bundle has the headless `--scheduled-run` mode its OS schedule starts;
//   - the packaged lake-service bundle starts under plain Node with the packaged DuckDB and answers;
//   - the app payload (resources/) stays under SIZE_BUDGET_MB, printed beside the real figure.
//
// Usage: node scripts/check-package.js [--keep]   (exit 1 and one line per failure when a check fails)
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import asar from '@electron/asar';
import { parse as parseYaml } from 'yaml';
import { packageApp } from './package-app.js';
import { FUSE_SENTINEL, writeStubElectronDist } from './stub-electron-dist.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Budget for the app payload (resources/: app.asar plus app.asar.unpacked), without the Electron
 * runtime itself. DuckDB's binding is about 68 MB of it and the bundles about 9 MB; 100 MB leaves
 * room for a DuckDB upgrade and catches a stray node_modules tree or source maps (+15 MB) at once.
 */
export const SIZE_BUDGET_MB = 100;

/** The bundles and files the app cannot start without, as paths inside app.asar. */
export const REQUIRED_IN_ASAR = [
  'package.json',
  'config/default.yaml',
  'dist-electron/main.cjs',
  'dist-electron/preload.cjs',
  'dist-electron/job-worker.cjs',
  'dist-electron/lake-service.cjs',
  'dist/renderer/index.html',
];

/** Packages the staged app may carry in node_modules; anything else is a packaging leak. */
export const ALLOWED_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings', 'detect-libc'];

/** Wire order of Electron's V1 fuses and the electron-builder option that sets each. */
const FUSE_OPTIONS = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
];

/** Reads the V1 fuse wire of an Electron binary as { option: boolean } (null when the binary has none). */
export function readFuses(binary) {
  const bytes = fs.readFileSync(binary);
  const at = bytes.indexOf(FUSE_SENTINEL);
  if (at < 0) return null;
  const wire = at + FUSE_SENTINEL.length;
  const length = bytes[wire + 1] ?? 0;
  const fuses = {};
  for (let i = 0; i < length && i < FUSE_OPTIONS.length; i++) fuses[FUSE_OPTIONS[i]] = bytes[wire + 2 + i] === 0x31;
  return fuses;
}

function dirSize(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : fs.lstatSync(p).size;
  }
  return total;
}

/** Package names found under every node_modules folder of a path list (`@scope/name` or `name`). */
function packagesIn(paths) {
  const names = new Set();
  for (const p of paths) {
    const m = /(?:^|\/)node_modules\/(@[^/]+\/[^/]+|[^@/.][^/]*)/.exec(p);
    if (m?.[1]) names.add(m[1]);
  }
  return [...names].sort();
}

/** Starts the packaged lake-service bundle under plain Node (extracted from the asar) and lists a folder through it. */
async function probeLakeService(asarPath, lakeRoot) {
  const extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-asar-'));
  try {
    asar.extractAll(asarPath, extracted);
    // The repository's node_modules must not help: the bundle has to find DuckDB in the packaged tree.
    const child = fork(path.join(extracted, 'dist-electron', 'lake-service.cjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const reply = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer in 30 s${stderr ? `: ${stderr.trim()}` : ''}`)), 30_000);
      child.on('message', (m) => {
        if (m?.type !== 'reply') return;
        clearTimeout(timer);
        resolve(m);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}${stderr ? `: ${stderr.trim()}` : ''}`)));
      // The service queues calls behind its initialisation, so both go at once.
      child.send({ type: 'init', config: { lakeRoot, threads: 1, memoryLimit: '256MB' } });
      child.send({ type: 'call', id: 1, method: 'list', params: { path: '' } });
    });
    child.kill();
    return reply;
  } finally {
    fs.rmSync(extracted, { recursive: true, force: true });
  }
}

/** Inspects a packaged linux-unpacked folder; returns { failures, figures }. */
export async function checkPackagedApp(appOutDir, { executableName = 'quantmini' } = {}) {
  const failures = [];
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const config = parseYaml(fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8'));
  const resources = path.join(appOutDir, 'resources');
  const asarPath = path.join(resources, 'app.asar');
  if (!fs.existsSync(asarPath)) return { failures: [`no app.asar in ${resources}`], figures: {} };

  const inAsar = asar.listPackage(asarPath, { isPack: false }).map((p) => p.replace(/^[/\\]/, '').split(path.sep).join('/'));
  for (const f of REQUIRED_IN_ASAR) if (!inAsar.includes(f)) failures.push(`app.asar lacks ${f}`);
  const shippedPkg = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8'));
  if (shippedPkg.productName !== pkg.productName) failures.push(`product name ${shippedPkg.productName} is not package.json's ${pkg.productName}`);
  if (shippedPkg.version !== pkg.version) failures.push(`version ${shippedPkg.version} is not package.json's ${pkg.version}`);

  // The packaged app runs its own schedule (no CLI inside, RunAsNode off): its main must know the headless flag.
  const main = asar.extractFile(asarPath, 'dist-electron/main.cjs').toString('utf8');
  if (!main.includes('"--scheduled-run"') && !main.includes("'--scheduled-run'")) failures.push('the packaged main lacks the --scheduled-run mode');

  const unpackedRoot = path.join(resources, 'app.asar.unpacked');
  const binding = `node_modules/@duckdb/node-bindings-linux-${process.arch}/duckdb.node`;
  if (!fs.existsSync(path.join(unpackedRoot, binding))) failures.push(`DuckDB's binding is not unpacked (${binding})`);
  else if (!asar.statFile(asarPath, binding).unpacked) failures.push(`app.asar does not mark ${binding} as unpacked`);

  const unpacked = fs.existsSync(unpackedRoot) ? fs.readdirSync(unpackedRoot, { recursive: true }).map((p) => String(p).split(path.sep).join('/')) : [];
  const shipped = packagesIn([...inAsar, ...unpacked]).filter((n) => !/^@duckdb\/node-bindings-/.test(n));
  const dev = Object.keys(pkg.devDependencies ?? {});
  for (const n of shipped) {
    if (dev.includes(n)) failures.push(`devDependency ${n} is inside the app`);
    else if (!ALLOWED_PACKAGES.includes(n)) failures.push(`unexpected package ${n} is inside the app`);
  }
  const sourceLike = [...inAsar, ...unpacked].filter((p) => /\.(ts|tsx|mts|cts|map)$/.test(p) && !p.endsWith('.d.ts'));
  if (sourceLike.length) failures.push(`TypeScript sources or source maps inside: ${sourceLike.slice(0, 5).join(', ')}`);

  const wanted = config.electronFuses;
  if (!wanted) failures.push('build/electron-builder.yml has no electronFuses');
  const fuses = readFuses(path.join(appOutDir, executableName));
  if (!fuses) failures.push(`no fuse wire in ${executableName}`);
  else if (wanted) for (const [k, v] of Object.entries(wanted)) if (fuses[k] !== v) failures.push(`fuse ${k} is ${fuses[k]}, config asks ${v}`);
  for (const k of ['runAsNode', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments']) if (fuses?.[k] !== false) failures.push(`fuse ${k} must be off`);
  for (const k of ['enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar']) if (fuses?.[k] !== true) failures.push(`fuse ${k} must be on`);

  const probeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-probe-lake-'));
  fs.writeFileSync(path.join(probeRoot, 'probe.txt'), 'probe');
  try {
    const reply = await probeLakeService(asarPath, probeRoot);
    const names = reply.ok ? (reply.value?.entries ?? []).map((e) => e.name) : [];
    if (!names.includes('probe.txt')) failures.push(`the packaged lake service answered ${JSON.stringify(reply).slice(0, 200)}`);
  } catch (err) {
    failures.push(`the packaged lake service did not run: ${err.message}`);
  } finally {
    fs.rmSync(probeRoot, { recursive: true, force: true });
  }

  const payloadBytes = dirSize(resources);
  const payloadMb = payloadBytes / 1024 / 1024;
  if (payloadMb > SIZE_BUDGET_MB) failures.push(`app payload ${payloadMb.toFixed(1)} MB is over the ${SIZE_BUDGET_MB} MB budget`);
  const figures = {
    payloadMb: Number(payloadMb.toFixed(1)),
    asarMb: Number((fs.statSync(asarPath).size / 1024 / 1024).toFixed(1)),
    unpackedMb: Number((dirSize(unpackedRoot) / 1024 / 1024).toFixed(1)),
    budgetMb: SIZE_BUDGET_MB,
    asarEntries: inAsar.length,
    packages: shipped,
    fuses,
  };
  return { failures, figures };
}

/** Packages the Linux dir target against a stub Electron dist into a temporary folder and checks it. */
export async function runPackagingCheck({ keep = false, log = console.log } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-pack-check-'));
  const started = Date.now();
  try {
    const electronDist = writeStubElectronDist(path.join(work, 'stub-electron'));
    const stageDir = path.join(root, '.cache', `app-stage-${process.pid}`);
    const { outDir } = await packageApp({ platform: 'linux', arch: process.arch, targets: ['dir'], electronDist, outDir: path.join(work, 'release'), stageDir });
    fs.rmSync(stageDir, { recursive: true, force: true });
    const appOutDir = path.join(outDir, process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked');
    const packSeconds = (Date.now() - started) / 1000;
    const report = await checkPackagedApp(appOutDir);
    const f = report.figures;
    log(`packaged in ${packSeconds.toFixed(1)} s: app payload ${f.payloadMb} MB (budget ${f.budgetMb} MB) = app.asar ${f.asarMb} MB + unpacked ${f.unpackedMb} MB; Electron runtime not included (stub)`);
    log(`asar entries ${f.asarEntries}; packages ${(f.packages ?? []).join(', ')}; fuses ${JSON.stringify(f.fuses)}`);
    for (const line of report.failures) log(`FAIL ${line}`);
    if (keep) log(`kept ${appOutDir}`);
    return { ...report, packSeconds, appOutDir };
  } finally {
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const { failures } = await runPackagingCheck({ keep: process.argv.includes('--keep') });
  if (failures.length) process.exit(1);
  console.log('packaging check passed');
}
