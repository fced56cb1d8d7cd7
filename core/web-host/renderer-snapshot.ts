/**
 * A private copy of the built renderer for one web host. Vite empties dist/renderer on every
 * build and renames the hashed chunks, so a host serving the shared folder would answer 404 for
 * pages loaded before someone rebuilt (a lazily loaded page's chunk is fetched on first visit).
 * Serving a snapshot keeps every open page consistent for the life of the host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from '../files/process-alive.ts';

const PREFIX = 'quantmini-renderer-';

/** Removes snapshots left by hosts that are no longer running (killed without cleanup). */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

/** Copies `rendererDir` to a fresh temporary folder; `dispose` removes it. */
export function snapshotRenderer(rendererDir: string, base = os.tmpdir()): { dir: string; dispose(): void } {
  sweepStale(base);
  const dir = fs.mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`));
  fs.cpSync(rendererDir, dir, { recursive: true });
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
