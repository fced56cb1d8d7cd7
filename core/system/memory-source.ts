import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** System memory at one instant. */
export interface SystemMemory {
  totalBytes: number;
  /** Memory a new allocation can get without swapping (reclaimable caches count as available). */
  availableBytes: number;
}

/** Where memory figures come from; injectable so tests can drive the pressure levels. */
export interface MemorySource {
  system(): Promise<SystemMemory>;
  /** Resident set size in bytes per pid; pids that are gone are left out. */
  processRss(pids: readonly number[]): Promise<Map<number, number>>;
}

/** Parses /proc/meminfo (Linux); MemAvailable is the kernel's own estimate of what is reclaimable. */
export function parseMeminfo(text: string): SystemMemory | null {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable') ?? (kb('MemFree') !== null ? kb('MemFree')! + (kb('Cached') ?? 0) + (kb('Buffers') ?? 0) : null);
  return total !== null && available !== null ? { totalBytes: total, availableBytes: available } : null;
}

/**
 * Parses `vm_stat` (macOS). os.freemem() there counts only free pages, which macOS keeps near zero
 * by design; free + inactive + speculative + purgeable is what Activity Monitor treats as available.
 */
export function parseVmStat(text: string, totalBytes: number): SystemMemory | null {
  const pageSize = Number(/page size of (\d+) bytes/.exec(text)?.[1] ?? 4096);
  const pages = (label: string) => Number(new RegExp(`^Pages ${label}:\\s+(\\d+)\\.`, 'm').exec(text)?.[1] ?? NaN);
  const free = pages('free');
  if (!Number.isFinite(free)) return null;
  const extra = ['inactive', 'speculative', 'purgeable'].map(pages).filter(Number.isFinite);
  const available = (free + extra.reduce((a, b) => a + b, 0)) * pageSize;
  return { totalBytes, availableBytes: Math.min(totalBytes, available) };
}

/** Parses `ps -o pid=,rss=` output (rss in KiB). */
export function parsePsRss(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) out.set(Number(m[1]), Number(m[2]) * 1024);
  }
  return out;
}

/** VmRSS of one Linux process in bytes, or null when it is gone. */
function linuxRss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The real machine's memory. Linux reads /proc (microseconds per sample). macOS spawns `vm_stat`
 * and one `ps` for all pids per sample: a few milliseconds each, fine at one sample per second.
 */
export function systemMemorySource(platform: NodeJS.Platform = process.platform): MemorySource {
  return {
    async system() {
      if (platform === 'linux') {
        try {
          const parsed = parseMeminfo(await fs.promises.readFile('/proc/meminfo', 'utf8'));
          if (parsed) return parsed;
        } catch {
          // Fall through to what Node reports.
        }
      }
      if (platform === 'darwin') {
        try {
          const { stdout } = await execFileAsync('vm_stat', [], { timeout: 2000 });
          const parsed = parseVmStat(stdout, os.totalmem());
          if (parsed) return parsed;
        } catch {
          // Fall through.
        }
      }
      return { totalBytes: os.totalmem(), availableBytes: os.freemem() };
    },
    async processRss(pids) {
      const out = new Map<number, number>();
      if (pids.length === 0) return out;
      if (platform === 'linux') {
        for (const pid of pids) {
          const rss = linuxRss(pid);
          if (rss !== null) out.set(pid, rss);
        }
        return out;
      }
      if (platform === 'win32') return out;
      try {
        const { stdout } = await execFileAsync('ps', ['-o', 'pid=,rss=', '-p', pids.join(',')], { timeout: 2000 });
        return parsePsRss(stdout);
      } catch (err) {
        // ps exits 1 when none of the pids exist any more; whatever it printed is still right.
        return parsePsRss(String((err as { stdout?: string }).stdout ?? ''));
      }
    },
  };
}
