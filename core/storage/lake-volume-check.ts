/**
 * The check before every run that writes a lake: the lake's volume is mounted, and it has room for
 * the planned download plus a margin. A remembered lake whose volume is not mounted (a drive
 * unplugged) is refused with a message naming the lake and the volume, before anything could
 * create the folder on the boot disk in its place; when the drive is back, the same check passes.
 */
import path from 'node:path';
import { findKnownLake, rememberLake } from './known-lakes.ts';
import { fsVolumeProbe, isMounted, mountPointOf, nearestExisting, type VolumeProbe } from './volume-probe.ts';

/** Why a run may not write the lake. */
export class LakeVolumeError extends Error {
  override name = 'LakeVolumeError';
  constructor(
    message: string,
    readonly reason: 'volume_missing' | 'no_room',
  ) {
    super(message);
  }
}

const GIB = 1024 ** 3;

function size(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MiB`;
}

/**
 * Throws LakeVolumeError when `root` is a remembered lake whose volume is not mounted. Touches
 * nothing: safe to call before the lake's folders (logs, lock) are created.
 */
export function assertLakeVolumePresent(stateDir: string, root: string, probe: VolumeProbe = fsVolumeProbe): void {
  const known = findKnownLake(stateDir, root);
  if (!known || known.volume === path.parse(known.volume).root) return;
  if (!isMounted(known.volume, probe)) {
    throw new LakeVolumeError(
      `the lake ${known.root} is on the volume ${known.volume}, which is not mounted (was the drive unplugged?); ` +
        'connect it and run again (nothing was created in its place)',
      'volume_missing',
    );
  }
}

/** Throws LakeVolumeError when the lake's volume has less than `plannedBytes` + `marginBytes` free. */
export function assertRoomFor(root: string, plannedBytes: number, marginBytes: number, probe: VolumeProbe = fsVolumeProbe): { freeBytes: number } {
  const free = probe.freeBytes(nearestExisting(root, probe));
  if (free < plannedBytes + marginBytes) {
    throw new LakeVolumeError(
      `the volume ${mountPointOf(root, probe)} of the lake ${path.resolve(root)} has ${size(free)} free; this run plans to download ` +
        `${size(plannedBytes)} and keeps ${size(marginBytes)} spare; free some space or lower the margin (storage.marginGiB)`,
      'no_room',
    );
  }
  return { freeBytes: free };
}

/** Checks the volume (see assertLakeVolumePresent) and remembers the lake with the volume it is on now. */
export async function checkAndRememberLake(stateDir: string, root: string, probe: VolumeProbe = fsVolumeProbe): Promise<void> {
  assertLakeVolumePresent(stateDir, root, probe);
  await rememberLake(stateDir, root, mountPointOf(root, probe));
}
