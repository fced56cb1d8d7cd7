#!/usr/bin/env node
// `npm start`: builds what is stale (the renderer with Vite, the Electron bundles with esbuild),
// then starts the desktop app. Where no Electron binary is available (it is downloaded on first
// use, and some machines cannot download it) it says so in one line and starts the web host
// instead, which prints the URL to open.
//
// Usage: npm start [-- --web] [-- --port N] [-- --open]   (--web skips Electron)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron, electronStaleReason } from './build-electron.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const passThrough = args.filter((a) => a !== '--web');

const { register } = await import('tsx/esm/api');
register();
const { ensureRendererBuilt } = await import('../core/web-host/renderer-build.ts');

/** Where the Electron binary is, or null with the reason it is not available. */
async function electronBinary() {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(pkgDir)) return { path: null, why: 'the electron package is not installed' };
  const pathTxt = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathTxt) ? fs.readFileSync(pathTxt, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return fs.existsSync(p) ? { path: p } : { path: null, why: `ELECTRON_OVERRIDE_DIST_PATH has no ${relative || 'electron'}` };
  }
  if (relative && fs.existsSync(path.join(pkgDir, 'dist', relative))) return { path: path.join(pkgDir, 'dist', relative) };
  // Electron 42+ downloads its binary the first time `require('electron')` runs in plain Node. Let
  // it try, in a child so that a failed download (no network) cannot crash this script; say what
  // is happening only if it takes long enough for someone to wonder.
  const probe = spawn(process.execPath, ['-e', "process.stdout.write('\\n' + require('electron'))"], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  probe.stdout.on('data', (d) => (out += d));
  probe.stderr.resume();
  const notice = setTimeout(() => console.error('Downloading the Electron binary (first start only)...'), 2000);
  const timeout = setTimeout(() => probe.kill('SIGKILL'), 180_000);
  const code = await new Promise((resolve) => probe.on('close', resolve));
  clearTimeout(notice);
  clearTimeout(timeout);
  const candidate = code === 0 ? out.trim().split('\n').pop() : null;
  if (candidate && fs.existsSync(candidate)) return { path: candidate };
  return { path: null, why: code === null ? 'the download timed out' : 'no binary could be downloaded' };
}

function run(command, commandArgs, options = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

try {
  await ensureRendererBuilt(root, (line) => console.error(line));
} catch (err) {
  console.error(`npm start: ${err.message}`);
  process.exit(1);
}

const electron = forceWeb ? { path: null, why: '--web was given' } : await electronBinary();
if (electron.path) {
  const reason = electronStaleReason();
  if (reason) {
    console.error(`Building the Electron bundles (${reason})...`);
    await buildElectron();
  }
  run(electron.path, [root, ...passThrough]);
} else {
  console.error(`Electron runtime unavailable here (${electron.why}); starting the web host instead.`);
  run(process.execPath, [path.join(root, 'bin', 'quantmini.js'), 'serve', ...passThrough]);
}
