import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sweepOrphanedTemp } from '../files/atomic-write.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { pidAlive } from '../files/process-alive.ts';

/** What the lock file holds: enough for a second updater to say who is in the way. */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  runId?: string;
}

/** A second updater tried to take a lake that is being updated. */
export class LakeLockedError extends Error {
  override name = 'LakeLockedError';
  constructor(
    message: string,
    readonly owner: LockOwner,
  ) {
    super(message);
  }
}

/** A held lake lock. */
export interface LakeLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Records the run id in the lock (so `quantmini runs` can tell which run holds the lake). */
  setRunId(runId: string): Promise<void>;
  release(): Promise<void>;
  /** Files removed from `.tmp/` when the lock was taken. */
  readonly sweptTempFiles: number;
  /** The stale owner whose lock was taken over, if any. */
  readonly tookOverFrom: LockOwner | null;
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? (o as LockOwner) : null;
  } catch {
    return null;
  }
}

/** The owner recorded in a lake's lock file (live or stale), or null when there is none. */
export function readLockOwner(root: string): LockOwner | null {
  return readOwner(lakePaths(root).lockFile);
}

/** The message a refused updater prints. */
export function lockedMessage(root: string, owner: LockOwner): string {
  const started = new Date(owner.startedAt);
  const when = Number.isNaN(started.getTime()) ? owner.startedAt : started.toTimeString().slice(0, 8);
  const where = owner.host === os.hostname() ? '' : ` on host ${owner.host}`;
  return `lake ${root} is being updated by pid ${owner.pid}${where} (${owner.command}, started ${when}); wait for it or stop it`;
}

/** True when the owner's process is gone (only decidable on the same host). */
function isStale(owner: LockOwner | null): boolean {
  if (!owner) return true;
  return owner.host === os.hostname() && !pidAlive(owner.pid);
}

// Locks whose process exits without release() (an uncaught error, process.exit) are removed here.
const heldLocks = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const file of heldLocks) {
      const o = readOwner(file);
      if (o?.pid === process.pid) fs.rmSync(file, { force: true });
    }
  });
}

/**
 * Takes `<root>/.lock` with O_EXCL, so exactly one updater writes a lake. A lock left by a dead
 * process on this host is taken over: it is renamed aside first, so of two updaters racing for the
 * same stale lock only one wins the rename and the other sees the winner's fresh lock. Once held,
 * `<root>/.tmp` is swept of what processes that are gone left there: no other updater can be
 * writing, but a reader (the lake service's SQL spill folder) may still be using its own entry.
 */
export async function acquireLakeLock(root: string, opts: { command: string; onTakeover?: (stale: LockOwner) => void }): Promise<LakeLock> {
  const file = lakePaths(root).lockFile;
  await fs.promises.mkdir(root, { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), command: opts.command, startedAt: new Date().toISOString() };
  let tookOverFrom: LockOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.promises.open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readOwner(file);
    // An unreadable lock may be one being written right now: give its writer a moment.
    if (!current && attempt < 3) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (!isStale(current) || attempt > 5) throw new LakeLockedError(lockedMessage(root, current!), current!);
    const aside = `${file}.stale-${process.pid}-${attempt}`;
    try {
      await fs.promises.rename(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      continue;
    }
    const moved = readOwner(aside);
    if (current && moved && (moved.pid !== current.pid || moved.startedAt !== current.startedAt)) {
      // Between our read and our rename another updater replaced the stale lock with its live one:
      // put it back (link fails if yet another lock appeared, which is then the one to respect).
      await fs.promises.link(aside, file).catch(() => undefined);
      await fs.promises.rm(aside, { force: true });
      continue;
    }
    await fs.promises.rm(aside, { force: true });
    if (current) {
      tookOverFrom = current;
      opts.onTakeover?.(current);
    }
  }
  heldLocks.add(file);
  installExitHook();
  const sweptTempFiles = await sweepOrphanedTemp(root);
  let released = false;
  return {
    file,
    owner,
    sweptTempFiles,
    tookOverFrom,
    async setRunId(runId) {
      owner.runId = runId;
      // Rewritten in place through a temp file and rename, so a reader never sees half a lock.
      const tmp = path.join(path.dirname(file), `.lock.${process.pid}.tmp`);
      await fs.promises.writeFile(tmp, JSON.stringify(owner));
      await fs.promises.rename(tmp, file);
    },
    async release() {
      if (released) return;
      released = true;
      heldLocks.delete(file);
      // Only remove the lock if it is still ours (never someone's who took over a lock we lost).
      if (readOwner(file)?.pid === process.pid) await fs.promises.rm(file, { force: true });
    },
  };
}

/** The current holder of a lake's lock, or null when it is free or stale. */
export function lakeLockHolder(root: string): LockOwner | null {
  const owner = readOwner(lakePaths(root).lockFile);
  return owner && !isStale(owner) ? owner : null;
}
