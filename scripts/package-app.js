#!/usr/bin/env node
// Packages the desktop app with electron-builder from a staged app folder.
//
// Why a staged folder: the app needs nothing from node_modules but DuckDB (everything else is in
// the esbuild bundles), while the repository's package.json lists the CLI's runtime dependencies
// (tsx, commander, the AWS SDK...). Staging `.cache/app-stage/` with a package.json that depends
// on @duckdb/node-api alone, plus a copy of DuckDB and the one native binding for the target
// platform and CPU, makes "no dev dependencies, no TypeScript, no tsx" true by construction and
// keeps electron-builder's dependency walk off the (possibly symlinked) checkout's node_modules.
//
// Usage: node scripts/package-app.js --platform linux|mac|win [--arch x64|arm64] [--targets dir,AppImage]
//        [--electron-dist <dir>] [--out <dir>]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { buildElectron, electronStaleReason } from './build-electron.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_PLATFORM = { linux: 'linux', mac: 'darwin', win: 'win32' };

/** The app's package.json: the repository's identity, main, and DuckDB as the only dependency. */
export function stagedPackageJson(pkg) {
  const duckdb = pkg.dependencies?.['@duckdb/node-api'];
  if (!duckdb) throw new Error('package.json has no @duckdb/node-api dependency to ship');
  return {
    name: pkg.name,
    productName: pkg.productName ?? pkg.name,
    version: pkg.version,
    description: pkg.description,
    author: pkg.author ?? 'QuantMini contributors',
    license: pkg.license ?? 'UNLICENSED',
    private: true,
    main: 'dist-electron/main.cjs',
    dependencies: { '@duckdb/node-api': duckdb },
  };
}

function copyPackage(name, stageModules) {
  const from = path.join(root, 'node_modules', name);
  if (!fs.existsSync(from)) throw new Error(`node_modules/${name} is not installed (see README "Building the Mac app")`);
  fs.cpSync(fs.realpathSync(from), path.join(stageModules, name), { recursive: true, dereference: true });
}

/**
 * Lays out the staged app folder for `platform` ('linux' | 'mac' | 'win') and `arch`; returns its
 * path. The renderer and Electron bundles must already be built (see ensureBuilt).
 */
export function stageApp({ platform, arch, stageDir = path.join(root, '.cache', 'app-stage') }) {
  const nodePlatform = NODE_PLATFORM[platform];
  if (!nodePlatform) throw new Error(`unknown platform "${platform}" (linux, mac or win)`);
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(stageDir, 'package.json'), `${JSON.stringify(stagedPackageJson(pkg), null, 2)}\n`);
  const bundles = path.join(stageDir, 'dist-electron');
  fs.mkdirSync(bundles);
  // Source maps stay out: they double the asar and would ship the sources they map.
  for (const f of fs.readdirSync(path.join(root, 'dist-electron')).filter((n) => n.endsWith('.cjs'))) {
    fs.copyFileSync(path.join(root, 'dist-electron', f), path.join(bundles, f));
  }
  fs.cpSync(path.join(root, 'dist', 'renderer'), path.join(stageDir, 'dist', 'renderer'), { recursive: true });
  fs.mkdirSync(path.join(stageDir, 'config'));
  fs.copyFileSync(path.join(root, 'config', 'default.yaml'), path.join(stageDir, 'config', 'default.yaml'));
  const modules = path.join(stageDir, 'node_modules');
  for (const name of ['@duckdb/node-api', '@duckdb/node-bindings', 'detect-libc', `@duckdb/node-bindings-${nodePlatform}-${arch}`]) {
    copyPackage(name, modules);
  }
  return stageDir;
}

/** Builds the renderer and the Electron bundles when they are missing or older than their sources. */
export async function ensureBuilt(log = console.error) {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  try {
    const { ensureRendererBuilt } = await import('../core/web-host/renderer-build.ts');
    await ensureRendererBuilt(root, log);
  } finally {
    await unregister();
  }
  const reason = electronStaleReason();
  if (reason) {
    log(`Building the Electron bundles (${reason})...`);
    await buildElectron();
  }
}

/** The electron-builder configuration from build/electron-builder.yml, pointed at the staged app. */
export function builderConfig({ stageDir, outDir, electronDist }) {
  const config = parseYaml(fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8'));
  config.directories = { ...config.directories, app: stageDir, output: outDir, buildResources: path.join(root, 'build') };
  config.icon = path.join(root, config.icon);
  if (config.mac) {
    config.mac.entitlements = path.join(root, config.mac.entitlements);
    config.mac.entitlementsInherit = path.join(root, config.mac.entitlementsInherit);
  }
  // The staged node_modules is already exactly the set to ship, with prebuilt N-API binaries.
  config.npmRebuild = false;
  if (electronDist) config.electronDist = electronDist;
  return config;
}

/** Stages the app and runs electron-builder; returns the output folder and the staged folder. */
export async function packageApp({ platform, arch = process.arch, targets, electronDist, outDir = path.join(root, 'release'), stageDir }) {
  await ensureBuilt();
  stageDir = stageApp({ platform, arch, ...(stageDir ? { stageDir } : {}) });
  const { build, Platform, Arch } = await import('electron-builder');
  const config = builderConfig({ stageDir, outDir, electronDist });
  const platformTargets = targets ?? (platform === 'mac' ? ['dmg', 'zip'] : platform === 'linux' ? ['AppImage', 'deb'] : ['nsis']);
  const target = { mac: Platform.MAC, linux: Platform.LINUX, win: Platform.WINDOWS }[platform].createTarget(platformTargets, Arch[arch]);
  await build({ targets: target, config, publish: 'never', projectDir: root });
  return { outDir, stageDir };
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const platform = value('--platform') ?? { darwin: 'mac', win32: 'win' }[process.platform] ?? 'linux';
  const started = Date.now();
  const { outDir } = await packageApp({
    platform,
    arch: value('--arch') ?? process.arch,
    targets: value('--targets')?.split(','),
    electronDist: value('--electron-dist') ? path.resolve(value('--electron-dist')) : undefined,
    outDir: value('--out') ? path.resolve(value('--out')) : undefined,
  });
  console.log(`Packaged ${platform} in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(root, outDir) || outDir}/`);
}
