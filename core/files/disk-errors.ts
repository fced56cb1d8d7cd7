import fs from 'node:fs';
import path from 'node:path';

/** Error codes and DuckDB messages that mean the volume has no room left. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const DISK_FULL_TEXT = /ENOSPC|EDQUOT|No space left on device|Disk quota exceeded/i;

/** True for an error (Node's or DuckDB's) that says the disk is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code && DISK_FULL_CODES.has(code)) return true;
  return DISK_FULL_TEXT.test(err instanceof Error ? err.message : String(err));
}

/**
 * The mount point a path lives on: the highest existing ancestor on the same device. This is the
 * "volume" a person recognises (`/Volumes/Lake`, `/mnt/data`), found without parsing mount tables.
 */
export function volumeOf(target: string): string {
  let dir = path.resolve(target);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  let dev: number;
  try {
    dev = fs.statSync(dir).dev;
  } catch {
    return dir;
  }
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) return dir;
    try {
      if (fs.statSync(parent).dev !== dev) return dir;
    } catch {
      return dir;
    }
    dir = parent;
  }
}

/** "disk full on /mnt/lake: /mnt/lake/bronze/...": what a failed write says when the volume is full. */
export function diskFullMessage(target: string): string {
  return `disk full on ${volumeOf(target)}: ${target}`;
}

/** Thrown by writes that failed because the volume is full; its message names the volume and the file. */
export class DiskFullError extends Error {
  override name = 'DiskFullError';
  constructor(readonly file: string, options?: { cause?: unknown }) {
    super(diskFullMessage(file), options);
  }
}
