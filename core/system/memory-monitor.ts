import type { MemorySource } from './memory-source.ts';

/** Memory pressure as the supervisor acts on it. */
export type MemoryLevel = 'normal' | 'warning' | 'critical';

/** Thresholds in percent of system memory in use (settings.memory). */
export interface MemoryThresholds {
  warningPercent: number;
  criticalPercent: number;
}

/** One sample: the machine and every tracked job process. */
export interface MemorySample {
  at: string;
  totalBytes: number;
  availableBytes: number;
  usedPercent: number;
  level: MemoryLevel;
  processes: Array<{ pid: number; label: string; rssBytes: number }>;
}

/** Level for a usage percentage. */
export function memoryLevel(usedPercent: number, t: MemoryThresholds): MemoryLevel {
  if (usedPercent >= t.criticalPercent) return 'critical';
  if (usedPercent >= t.warningPercent) return 'warning';
  return 'normal';
}

/** Options for a monitor. */
export interface MemoryMonitorOptions {
  source: MemorySource;
  thresholds: MemoryThresholds;
  intervalMs: number;
  /** Processes whose RSS each sample should include (the supervisor's running jobs). */
  processes?: () => Array<{ pid: number; label: string }>;
  now?: () => Date;
}

/** Samples memory on an interval and tells listeners; `level` is the latest sample's level. */
export interface MemoryMonitor {
  readonly level: MemoryLevel;
  readonly last: MemorySample | null;
  /** Takes a sample now (also done on every tick) and notifies listeners. */
  sample(): Promise<MemorySample>;
  onSample(cb: (sample: MemorySample) => void): () => void;
  /** Points the RSS sampling at a new set of processes (the supervisor of the current run). */
  track(processes: () => Array<{ pid: number; label: string }>): void;
  start(): void;
  stop(): void;
}

/** Creates a memory monitor; call start() to sample every `intervalMs`. */
export function createMemoryMonitor(options: MemoryMonitorOptions): MemoryMonitor {
  const listeners = new Set<(s: MemorySample) => void>();
  let last: MemorySample | null = null;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<MemorySample> | null = null;
  let processes = options.processes ?? (() => []);
  const now = options.now ?? (() => new Date());

  async function take(): Promise<MemorySample> {
    const procs = processes();
    const [sys, rss] = await Promise.all([options.source.system(), options.source.processRss(procs.map((p) => p.pid))]);
    const usedPercent = sys.totalBytes > 0 ? Math.round(((sys.totalBytes - sys.availableBytes) / sys.totalBytes) * 1000) / 10 : 0;
    const s: MemorySample = {
      at: now().toISOString(),
      totalBytes: sys.totalBytes,
      availableBytes: sys.availableBytes,
      usedPercent,
      level: memoryLevel(usedPercent, options.thresholds),
      processes: procs.filter((p) => rss.has(p.pid)).map((p) => ({ ...p, rssBytes: rss.get(p.pid)! })),
    };
    last = s;
    for (const cb of listeners) cb(s);
    return s;
  }

  const monitor: MemoryMonitor = {
    get level() {
      return last?.level ?? 'normal';
    },
    get last() {
      return last;
    },
    sample() {
      // Overlapping samples (a slow `ps`) would report out of order; share the one in flight.
      inFlight ??= take().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    onSample(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    track(p) {
      processes = p;
    },
    start() {
      if (timer) return;
      void monitor.sample().catch(() => undefined);
      timer = setInterval(() => void monitor.sample().catch(() => undefined), options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return monitor;
}
