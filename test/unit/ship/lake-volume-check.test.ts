/**
 * The volume checks against a simulated filesystem: macOS removes /Volumes/<name> when a drive is
 * unplugged, which a test cannot do to the real /Volumes; the probe stands in for the filesystem.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKnownLakes, rememberLake } from '../../../core/storage/known-lakes.ts';
import { assertLakeVolumePresent, assertRoomFor, checkAndRememberLake, LakeVolumeError } from '../../../core/storage/lake-volume-check.ts';
import { isMounted, mountPointOf, type VolumeProbe } from '../../../core/storage/volume-probe.ts';

/** A filesystem of paths -> device ids; unplugging deletes the volume's paths, as macOS does. */
function fakeFs(devices: Record<string, number>, free = 50 * 1024 ** 3): VolumeProbe & { unplug(prefix: string): void } {
  const map = new Map(Object.entries(devices));
  return {
    device: (p) => map.get(p) ?? null,
    freeBytes: () => free,
    unplug(prefix) {
      for (const k of [...map.keys()]) if (k === prefix || k.startsWith(`${prefix}/`)) map.delete(k);
    },
  };
}

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true });
});
function stateDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-state-'));
  temps.push(d);
  return d;
}

describe('volume probe', () => {
  const probe = fakeFs({ '/': 1, '/Volumes': 1, '/Volumes/Drive': 7, '/Volumes/Drive/lake': 7, '/Users': 1, '/Users/me': 1 });
  it('finds the mount point of a path, or of its nearest existing ancestor', () => {
    expect(mountPointOf('/Volumes/Drive/lake/bronze', probe)).toBe('/Volumes/Drive');
    expect(mountPointOf('/Users/me/QuantMiniLake', probe)).toBe('/');
    expect(isMounted('/Volumes/Drive', probe)).toBe(true);
    expect(isMounted('/Volumes', probe)).toBe(false);
    expect(isMounted('/', probe)).toBe(true);
  });
});

describe('lake volume checks', () => {
  it('refuses a remembered lake whose drive was unplugged, naming lake and volume, and accepts it when the drive is back', async () => {
    const state = stateDir();
    const devices = { '/': 1, '/Volumes': 1, '/Volumes/Drive': 7, '/Volumes/Drive/lake': 7 };
    const probe = fakeFs(devices);
    await checkAndRememberLake(state, '/Volumes/Drive/lake', probe);
    expect(readKnownLakes(state)).toEqual([expect.objectContaining({ root: '/Volumes/Drive/lake', volume: '/Volumes/Drive' })]);

    probe.unplug('/Volumes/Drive');
    let err: unknown;
    try {
      assertLakeVolumePresent(state, '/Volumes/Drive/lake', probe);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LakeVolumeError);
    expect((err as LakeVolumeError).reason).toBe('volume_missing');
    expect((err as Error).message).toBe(
      'the lake /Volumes/Drive/lake is on the volume /Volumes/Drive, which is not mounted (was the drive unplugged?); connect it and run again (nothing was created in its place)',
    );

    const back = fakeFs(devices);
    expect(() => assertLakeVolumePresent(state, '/Volumes/Drive/lake', back)).not.toThrow();
  });

  it('lets a new lake or a lake on the boot disk through, and remembers its volume', async () => {
    const state = stateDir();
    const probe = fakeFs({ '/': 1, '/Users': 1, '/Users/me': 1 });
    expect(() => assertLakeVolumePresent(state, '/Users/me/QuantMiniLake', probe)).not.toThrow();
    await rememberLake(state, '/Users/me/QuantMiniLake', '/');
    expect(() => assertLakeVolumePresent(state, '/Users/me/QuantMiniLake', probe)).not.toThrow();
  });

  it('refuses a run without room for the planned download plus the margin', () => {
    const probe = fakeFs({ '/': 1, '/Volumes': 1, '/Volumes/Drive': 7 }, 3 * 1024 ** 3);
    expect(assertRoomFor('/Volumes/Drive/lake', 512 * 1024 ** 2, 2 * 1024 ** 3, probe)).toEqual({ freeBytes: 3 * 1024 ** 3 });
    expect(() => assertRoomFor('/Volumes/Drive/lake', 1.5 * 1024 ** 3, 2 * 1024 ** 3, probe)).toThrow(
      'the volume /Volumes/Drive of the lake /Volumes/Drive/lake has 3.0 GiB free; this run plans to download 1.5 GiB and keeps 2.0 GiB spare',
    );
  });
});
