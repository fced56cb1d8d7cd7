/**
 * Which volume a path lives on, whether that volume is mounted, and how much room it has. A path
 * that does not exist yet belongs to the volume of its nearest existing ancestor; a volume's mount
 * point is the highest ancestor on the same device. Filesystem access goes through a small probe
 * so tests can simulate a drive being unplugged where they cannot really unmount one.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The filesystem facts the checks need. */
export interface VolumeProbe {
  /** Device id of an existing path, or null when it does not exist. */
  device(p: string): number | null;
  /** Bytes available to this user on the volume holding an existing path. */
  freeBytes(p: string): number;
}

/** The real filesystem. */
export const fsVolumeProbe: VolumeProbe = {
  device(p) {
    try {
      return fs.statSync(p).dev;
    } catch {
      return null;
    }
  },
  freeBytes(p) {
    const s = fs.statfsSync(p);
    return Number(s.bavail) * Number(s.bsize);
  },
};

/** The nearest existing ancestor of `p` (itself when it exists). */
export function nearestExisting(p: string, probe: VolumeProbe = fsVolumeProbe): string {
  let dir = path.resolve(p);
  while (probe.device(dir) === null && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The mount point of the volume holding `p` (or, for a path not there yet, its nearest existing ancestor). */
export function mountPointOf(p: string, probe: VolumeProbe = fsVolumeProbe): string {
  let dir = nearestExisting(p, probe);
  const dev = probe.device(dir);
  while (path.dirname(dir) !== dir && probe.device(path.dirname(dir)) === dev) dir = path.dirname(dir);
  return dir;
}

/**
 * Whether `mountPoint` is a mounted volume now: it exists and sits on another device than its
 * parent (the root is always mounted). An unplugged drive's mount point is either gone (macOS
 * removes /Volumes/<name>) or an empty folder on the parent's device (a Linux mount point left behind).
 */
export function isMounted(mountPoint: string, probe: VolumeProbe = fsVolumeProbe): boolean {
  const dev = probe.device(mountPoint);
  if (dev === null) return false;
  const parent = path.dirname(mountPoint);
  return parent === mountPoint || probe.device(parent) !== dev;
}
