/**
 * The first run's lake folder: whether one still has to be chosen, and whether a chosen folder can
 * hold a lake (an absolute path, writable by this user, not on a remembered volume that is
 * unplugged now). An external volume is fine; the folder is remembered in the known lakes with the
 * volume it is on, so the checks before every run can tell when that drive goes missing later.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/index.ts';
import { findKnownLake, readKnownLakes } from '../storage/known-lakes.ts';
import { isMounted, mountPointOf, nearestExisting } from '../storage/volume-probe.ts';

/** True when nothing chose the lake folder yet: no flag, variable or saved value, no folder there, no remembered lake. */
export function lakeChoiceNeeded(config: LoadedConfig, stateDir: string): boolean {
  const from = config.sources.dataRoot ?? 'default';
  if (from !== 'default') return false;
  const root = path.resolve(config.settings.dataRoot);
  return !fs.existsSync(root) && !findKnownLake(stateDir, root);
}

/** Why `folder` cannot hold the lake, or its volume when it can. */
export function checkLakeFolder(stateDir: string, folder: string): { ok: true; root: string; volume: string } | { ok: false; problem: string } {
  if (!path.isAbsolute(folder)) return { ok: false, problem: `"${folder}" is not an absolute path` };
  const root = path.resolve(folder);
  // A folder under a remembered volume that is not mounted now would be created on the boot disk.
  for (const lake of readKnownLakes(stateDir)) {
    const v = lake.volume;
    if (v !== path.parse(v).root && (root === v || root.startsWith(v + path.sep)) && !isMounted(v)) {
      return { ok: false, problem: `${root} is on the volume ${v}, which is not mounted (was the drive unplugged?); connect it and choose again` };
    }
  }
  const existing = nearestExisting(root);
  if (existing !== root && /^\/Volumes\/[^/]+/.test(root) && !fs.existsSync(/^\/Volumes\/[^/]+/.exec(root)![0])) {
    return { ok: false, problem: `the volume ${/^\/Volumes\/[^/]+/.exec(root)![0]} is not mounted; connect the drive and choose again` };
  }
  if (!fs.statSync(existing).isDirectory()) return { ok: false, problem: `${existing} is a file, not a folder` };
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    return { ok: false, problem: `${existing} is not writable by this user; choose a folder you can write to` };
  }
  return { ok: true, root, volume: mountPointOf(root) };
}
