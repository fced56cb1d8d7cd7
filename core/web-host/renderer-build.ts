/**
 * Knows whether the built renderer (dist/renderer) is older than its sources and rebuilds it with
 * Vite when it is. Used by `quantmini serve` and `npm start`, so a fresh checkout or an edited
 * page never serves a stale bundle.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../files/process-alive.ts';

/** The checkout's root folder (this file lives in core/web-host/). */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Where `vite build` writes the renderer. */
export function rendererDistDir(root = repoRoot()): string {
  return path.join(root, 'dist', 'renderer');
}

// The renderer bundles its own folder plus the browser-safe core modules it imports.
const SOURCE_ROOTS = ['renderer', 'vite.config.ts', 'index.html', 'core/contract', 'core/config/config-schema.ts', 'core/config/redact.ts', 'core/vocabulary/coverage-states.ts', 'core/datasets', 'package.json'];

function newestMtime(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** Why the renderer needs a build, or null when dist/renderer is current. */
export function rendererStaleReason(root = repoRoot()): string | null {
  const index = path.join(rendererDistDir(root), 'index.html');
  let built: number;
  try {
    built = fs.statSync(index).mtimeMs;
  } catch {
    return 'dist/renderer/index.html is missing';
  }
  const newest = Math.max(...SOURCE_ROOTS.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? 'renderer sources changed since the last build' : null;
}

/** Runs `vite build` in a child process (keeps Vite and its plugins out of this process). */
export async function buildRenderer(root = repoRoot()): Promise<void> {
  const viteBin = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    // Always a production build: a host started under a test runner inherits NODE_ENV=test, and
    // Vite would then bundle React's development build (several times slower to render).
    const env = { ...process.env, NODE_ENV: 'production' };
    const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (exit ${code}):\n${output.trim().split('\n').slice(-20).join('\n')}`));
    });
  });
}

const LOCK_STALE_MS = 10 * 60_000;

/** True when a lock left behind can be taken over: its owner died, or it is older than any build. */
function lockIsStale(lock: string): boolean {
  const stat = fs.statSync(lock, { throwIfNoEntry: false });
  if (!stat) return false;
  const age = Date.now() - stat.mtimeMs;
  let owner: number;
  try {
    owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim());
  } catch {
    // No pid yet: the owner is between mkdir and writing it, unless that was long ago.
    return age > 10_000;
  }
  if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) return true;
  return age > LOCK_STALE_MS;
}

/**
 * Takes the build lock (a directory, created atomically, holding the owner's pid). Two hosts
 * starting at once must not both run Vite: it empties dist/renderer first, so one would serve the
 * other's half-written output. A lock whose owner was killed is taken over.
 */
export async function withBuildLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(root, 'dist', '.renderer-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockIsStale(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the renderer if it is stale; returns the reason it was rebuilt, or null. */
export async function ensureRendererBuilt(root = repoRoot(), notice: (line: string) => void = () => undefined): Promise<string | null> {
  if (!rendererStaleReason(root)) return null;
  return withBuildLock(root, async () => {
    // Another host may have built it while we waited for the lock.
    const reason = rendererStaleReason(root);
    if (!reason) return null;
    notice(`Building the renderer (${reason})...`);
    await buildRenderer(root);
    return reason;
  });
}
