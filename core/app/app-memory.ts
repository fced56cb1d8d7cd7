/**
 * The app's one memory monitor. It samples all the time (the System page's gauges are live with or
 * without a run) and covers the app's own processes (the host and the lake service) plus whatever
 * jobs the current run has. Runs get a view of it whose `track` only swaps the job list, so a
 * supervisor pointing the monitor at its jobs cannot drop the app's own processes.
 */
import type { MemorySampleView } from '../contract/contract-views.ts';
import { createMemoryMonitor, type MemoryMonitor, type MemorySample, type MemoryThresholds } from '../system/memory-monitor.ts';
import { systemMemorySource, type MemorySource } from '../system/memory-source.ts';

type Tracked = Array<{ pid: number; label: string }>;

/** Options for createAppMemory. */
export interface AppMemoryOptions {
  thresholds: MemoryThresholds;
  intervalMs: number;
  /** The app's own processes (label "host", "lake"). */
  appProcesses: () => Tracked;
  /** Display names for labels that are not job ids. */
  names: Record<string, string>;
  source?: MemorySource;
}

/** The app's memory monitor and the view runs share. */
export interface AppMemory {
  /** Give this to runs (runUpdate's memoryMonitor): start/stop are the app's, track sets the job list. */
  readonly forRuns: MemoryMonitor;
  /** Latest sample as the UI sees it (sampling now if there is none yet). */
  current(): Promise<MemorySampleView>;
  onSample(cb: (view: MemorySampleView) => void): () => void;
  /** New thresholds take effect with the next sample. */
  setThresholds(t: MemoryThresholds): void;
  start(): void;
  stop(): void;
}

/** Creates the monitor (not started). */
export function createAppMemory(options: AppMemoryOptions): AppMemory {
  const thresholds: MemoryThresholds = { ...options.thresholds };
  let jobs: () => Tracked = () => [];
  const monitor = createMemoryMonitor({
    source: options.source ?? systemMemorySource(),
    // The monitor reads these fields on every sample, so updating the object updates the levels.
    thresholds,
    intervalMs: options.intervalMs,
    processes: () => [...options.appProcesses(), ...jobs()],
  });

  const toView = (s: MemorySample): MemorySampleView => ({
    at: s.at,
    level: s.level,
    usedPercent: s.usedPercent,
    totalBytes: s.totalBytes,
    availableBytes: s.availableBytes,
    warningPercent: thresholds.warningPercent,
    criticalPercent: thresholds.criticalPercent,
    processes: s.processes.map((p) => {
      const name = options.names[p.label];
      return { pid: p.pid, name: name ?? jobName(p.label), rssBytes: p.rssBytes, jobId: name ? null : p.label };
    }),
  });

  const forRuns: MemoryMonitor = {
    get level() {
      return monitor.level;
    },
    get last() {
      return monitor.last;
    },
    sample: () => monitor.sample(),
    onSample: (cb) => monitor.onSample(cb),
    track(p) {
      jobs = p;
    },
    start: () => undefined,
    stop: () => undefined,
  };

  return {
    forRuns,
    async current() {
      return toView(monitor.last ?? (await monitor.sample()));
    },
    onSample: (cb) => monitor.onSample((s) => cb(toView(s))),
    setThresholds(t) {
      thresholds.warningPercent = t.warningPercent;
      thresholds.criticalPercent = t.criticalPercent;
    },
    start: () => monitor.start(),
    stop: () => monitor.stop(),
  };
}

/** "ingest-stocks_daily-2026-11-20" -> "ingest stocks_daily 2026-11-20". */
function jobName(jobId: string): string {
  const m = /^(download|ingest|compute)-(.+)-(\d{4}-\d{2}-\d{2})$/.exec(jobId);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : jobId;
}
