import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../config/index.ts';
import { systemMemorySource, type MemorySource } from './memory-source.ts';

const GiB = 2 ** 30;

/** How the lake processes data on this machine, chosen by memory size. */
export type ProcessingMode = 'streaming' | 'batch' | 'parallel';

/** Concurrency and DuckDB limits for jobs. `duckdbMemoryLimit` is per ingest worker. */
export interface ConcurrencySettings {
  downloads: number;
  ingestWorkers: number;
  duckdbThreads: number;
  duckdbMemoryLimit: string;
}

/** What the machine has and what the lake should do with it. */
export interface SystemProfile {
  platform: NodeJS.Platform;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  availableMemoryBytes: number;
  appleSilicon: boolean;
  /** Free space on the lake's volume (measured at the lake root or its nearest existing parent). */
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  mode: ProcessingMode;
  recommended: ConcurrencySettings;
}

/** Mode by total memory: streaming under 32 GiB, batch up to 64 GiB, parallel above. */
export function processingMode(totalMemoryBytes: number): ProcessingMode {
  if (totalMemoryBytes < 32 * GiB) return 'streaming';
  if (totalMemoryBytes <= 64 * GiB) return 'batch';
  return 'parallel';
}

/** A DuckDB size string, rounded down to whole GiB (or MiB below 1 GiB). */
export function formatMemoryLimit(bytes: number): string {
  return bytes >= GiB ? `${Math.floor(bytes / GiB)}GiB` : `${Math.max(256, Math.floor(bytes / 2 ** 20))}MiB`;
}

/** Parses a DuckDB size string ("2GB", "512MiB") into bytes; null if it is not one. */
export function parseMemoryLimit(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.exec(text.trim());
  if (!m) return null;
  const unit = m[2]!.toLowerCase();
  const pow = { k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * (unit.includes('i') ? 1024 : 1000) ** pow);
}

/**
 * Recommended settings for a machine. Ingest is the memory-heavy step (a minute file is ~1.8 M rows
 * and DuckDB spills beyond its limit), so workers scale with memory and DuckDB threads split the
 * cores among them; downloads are network-bound and cheap, so they scale with the mode only.
 * About a quarter of RAM goes to DuckDB in total when memory is tight, up to 40% on big machines,
 * leaving the rest to the OS page cache and the user's own applications.
 */
export function recommendConcurrency(cores: number, totalMemoryBytes: number): ConcurrencySettings {
  const mode = processingMode(totalMemoryBytes);
  const ingestByMode = { streaming: 1, batch: 2, parallel: 4 }[mode];
  const ingestWorkers = Math.max(1, Math.min(ingestByMode, Math.floor(cores / 2) || 1));
  const duckdbShare = mode === 'parallel' ? 0.4 : mode === 'batch' ? 0.3 : 0.25;
  return {
    downloads: { streaming: 2, batch: 4, parallel: 6 }[mode],
    ingestWorkers,
    duckdbThreads: Math.max(1, Math.floor(cores / ingestWorkers)),
    duckdbMemoryLimit: formatMemoryLimit((totalMemoryBytes * duckdbShare) / ingestWorkers),
  };
}

/** Free and total bytes of the volume holding `target` (or its nearest existing parent). */
export async function diskSpace(target: string): Promise<{ path: string; freeBytes: number; totalBytes: number } | null> {
  let dir = path.resolve(target);
  for (;;) {
    try {
      const s = await fs.promises.statfs(dir);
      return { path: dir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch (err) {
      const parent = path.dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) return null;
      dir = parent;
    }
  }
}

/** True on Apple Silicon Macs (also when Node runs under Rosetta, where arch says x64). */
export function isAppleSilicon(platform: NodeJS.Platform, arch: string, cpuModel: string): boolean {
  return platform === 'darwin' && (arch === 'arm64' || cpuModel.includes('Apple'));
}

/** Profiles this machine for a lake root. */
export async function profileSystem(lakeRoot: string, source: MemorySource = systemMemorySource()): Promise<SystemProfile> {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  const cores = os.availableParallelism();
  const [mem, disk] = await Promise.all([source.system(), diskSpace(lakeRoot)]);
  return {
    platform: process.platform,
    arch: process.arch,
    cpuModel,
    cores,
    totalMemoryBytes: mem.totalBytes,
    availableMemoryBytes: mem.availableBytes,
    appleSilicon: isAppleSilicon(process.platform, process.arch, cpuModel),
    disk,
    mode: processingMode(mem.totalBytes),
    recommended: recommendConcurrency(cores, mem.totalBytes),
  };
}

/** Effective concurrency and where each value came from: the user's setting wins over the profile. */
export function resolveConcurrency(
  settings: Pick<Settings, 'concurrency'>,
  profile: Pick<SystemProfile, 'recommended'>,
): ConcurrencySettings & { from: Record<keyof ConcurrencySettings, 'settings' | 'profile'> } {
  const c = settings.concurrency;
  const r = profile.recommended;
  const pick = <K extends keyof ConcurrencySettings>(k: K): ConcurrencySettings[K] => (c[k] ?? r[k]) as ConcurrencySettings[K];
  const from = (k: keyof ConcurrencySettings) => (c[k] === null ? 'profile' : 'settings') as 'settings' | 'profile';
  return {
    downloads: pick('downloads'),
    ingestWorkers: pick('ingestWorkers'),
    duckdbThreads: pick('duckdbThreads'),
    duckdbMemoryLimit: pick('duckdbMemoryLimit'),
    from: { downloads: from('downloads'), ingestWorkers: from('ingestWorkers'), duckdbThreads: from('duckdbThreads'), duckdbMemoryLimit: from('duckdbMemoryLimit') },
  };
}
