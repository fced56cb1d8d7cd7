import type { JobProgress } from '../progress/job-progress.ts';
import type { JobState } from './job-types.ts';

/** A job's progress with the rate and ETA the supervisor derives from successive reports. */
export interface MeteredProgress extends JobProgress {
  bytesPerSecond?: number;
  rowsPerSecond?: number;
  /** Seconds until done at the current rate, when a total is known. */
  etaSeconds?: number;
}

/**
 * Derives rates from raw counters with an exponentially weighted average, so one slow chunk does
 * not make the ETA jump. Each phase restarts the meter: "downloading" and "writing" move at
 * different speeds and their counters mean different things.
 */
export function createProgressMeter(now: () => number = Date.now, halfLifeMs = 3000) {
  let phase = '';
  let last: { t: number; bytes: number; rows: number } | null = null;
  let byteRate: number | undefined;
  let rowRate: number | undefined;

  const blend = (old: number | undefined, sample: number, dt: number) => {
    if (old === undefined) return sample;
    const w = 1 - Math.pow(0.5, dt / halfLifeMs);
    return old + (sample - old) * w;
  };

  return {
    /** Feeds one report and returns it with rate and ETA filled in where they can be computed. */
    update(p: JobProgress): MeteredProgress {
      const t = now();
      const bytes = p.bytesDone ?? 0;
      const rows = p.rowsDone ?? 0;
      if (p.phase !== phase || !last) {
        phase = p.phase;
        last = { t, bytes, rows };
        byteRate = undefined;
        rowRate = undefined;
      } else {
        const dt = t - last.t;
        if (dt >= 50) {
          if (p.bytesDone !== undefined && bytes >= last.bytes) byteRate = blend(byteRate, ((bytes - last.bytes) * 1000) / dt, dt);
          if (p.rowsDone !== undefined && rows >= last.rows) rowRate = blend(rowRate, ((rows - last.rows) * 1000) / dt, dt);
          last = { t, bytes, rows };
        }
      }
      const out: MeteredProgress = { ...p };
      if (byteRate !== undefined) out.bytesPerSecond = Math.round(byteRate);
      if (rowRate !== undefined) out.rowsPerSecond = Math.round(rowRate);
      const eta = etaOf(p.bytesDone, p.bytesTotal, byteRate) ?? etaOf(p.rowsDone, p.rowsTotal, rowRate);
      if (eta !== undefined) out.etaSeconds = eta;
      return out;
    },
  };
}

function etaOf(done: number | undefined, total: number | undefined, rate: number | undefined): number | undefined {
  if (done === undefined || !total || !rate || rate <= 0) return undefined;
  return Math.max(0, Math.round(((total - done) / rate) * 10) / 10);
}

/** Fraction done of a report, 0..1, or undefined when no total is known. */
export function progressFraction(p: JobProgress | undefined): number | undefined {
  if (!p) return undefined;
  if (p.bytesTotal && p.bytesDone !== undefined) return Math.min(1, p.bytesDone / p.bytesTotal);
  if (p.rowsTotal && p.rowsDone !== undefined) return Math.min(1, p.rowsDone / p.rowsTotal);
  return undefined;
}

/** Overall progress of a run (the CLI's overall line, the Today page's bar). */
export interface RunProgress {
  jobsTotal: number;
  jobsDone: number;
  running: number;
  /** Weighted by estimated bytes, 0..1. */
  fraction: number;
  etaSeconds?: number;
  elapsedMs: number;
  bytesDownloaded: number;
}

/**
 * Overall progress from every job's state, weight (estimated bytes) and latest report. The ETA
 * extrapolates elapsed time over byte-weighted work: crude at first, so it waits for 2% and 1 s.
 */
export function computeRunProgress(
  jobs: Iterable<{ state: JobState; weight?: number; progress?: JobProgress }>,
  elapsedMs: number,
  bytesDownloaded: number,
): RunProgress {
  let total = 0;
  let done = 0;
  let jobsTotal = 0;
  let jobsDone = 0;
  let running = 0;
  for (const j of jobs) {
    const w = Math.max(1, j.weight ?? 1);
    jobsTotal += 1;
    total += w;
    if (j.state === 'running') {
      running += 1;
      done += w * (progressFraction(j.progress) ?? 0);
    } else if (j.state !== 'queued') {
      done += w;
      jobsDone += 1;
    }
  }
  const fraction = total > 0 ? done / total : 1;
  const p: RunProgress = { jobsTotal, jobsDone, running, fraction, elapsedMs, bytesDownloaded };
  if (fraction > 0.02 && fraction < 1 && elapsedMs > 1000) p.etaSeconds = Math.round((elapsedMs * (1 - fraction)) / fraction / 1000);
  return p;
}
