import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive } from './process-alive.ts';

/**
 * A temporary path for `target` on the same volume, so the final rename is atomic. When a lake
 * root is given the file goes under `<root>/.tmp/` (swept at start-up); otherwise beside the target.
 */
export function tempPathFor(target: string, lakeRoot?: string): string {
  const unique = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const dir = lakeRoot ? path.join(lakeRoot, '.tmp') : path.dirname(target);
  return path.join(dir, `${path.basename(target)}.${unique}.partial`);
}

/** Flushes a file's data to disk before it is renamed into place. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves a finished temporary file into place: fsync, mkdir, rename. Readers see either the old file
 * or the complete new one, never a partial one. `readOnly` leaves the file mode 0444: data files
 * are replaced by rename, never rewritten in place, so nothing of ours needs to open them for
 * writing, and the read-only SQL engine (core/duckdb/lockdown.ts) is refused by the system if it
 * ever tried (for the lake's owner; root ignores file modes).
 */
export async function commitTempFile(tmp: string, target: string, options: { readOnly?: boolean } = {}): Promise<void> {
  await fsyncFile(tmp);
  if (options.readOnly) await fs.promises.chmod(tmp, 0o444);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.rename(tmp, target);
}

/** Writes `data` to `target` atomically (temp file, fsync, rename). */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { lakeRoot?: string; mode?: number } = {},
): Promise<void> {
  const tmp = tempPathFor(target, options.lakeRoot);
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  try {
    await fs.promises.writeFile(tmp, data, { mode: options.mode ?? 0o644 });
    await commitTempFile(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** Removes the entries under `<root>/.tmp/` that `select` picks; returns how many. */
async function removeTempEntries(lakeRoot: string, select: (name: string) => boolean): Promise<number> {
  const dir = path.join(lakeRoot, '.tmp');
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return 0;
  }
  const doomed = names.filter(select);
  await Promise.all(doomed.map((n) => fs.promises.rm(path.join(dir, n), { recursive: true, force: true })));
  return doomed.length;
}

/** Removes leftovers of interrupted writes under `<root>/.tmp/` (called when a lake is opened for writing). */
export async function sweepTempDir(lakeRoot: string): Promise<number> {
  return removeTempEntries(lakeRoot, () => true);
}

/** The pid embedded in a temp name made by tempPathFor (`<name>.<pid>-<hex>.partial`), or null. */
export function tempOwnerPid(name: string): number | null {
  const m = /\.(\d+)-[0-9a-f]+\.partial$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes leftovers under `<root>/.tmp/` whose writing process is gone, leaving the temp files of
 * live jobs alone: safe to call while other processes write to the same lake.
 */
export async function sweepOrphanedTemp(lakeRoot: string): Promise<number> {
  return removeTempEntries(lakeRoot, (n) => {
    const pid = tempOwnerPid(n);
    return pid === null || (pid !== process.pid && !pidAlive(pid));
  });
}
