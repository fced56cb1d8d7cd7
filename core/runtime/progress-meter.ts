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
 * not make the ETA jump. A job's byte counter always counts the same source (the file or the pages
 * it fetches), so the byte rate carries across phases ("downloading" then "committing") and starts
 * over only when the counter goes back (a request retried from the start). Row counters mean
 * different things per phase, so the row rate restarts with each phase. Until the average has a
 * sample (reports closer than 50 ms apart, or a single chunk), the mean since the first report
 * stands in, so a fast download still shows how fast it was.
 */
export function createProgressMeter(now: () => number = Date.now, halfLifeMs = 3000) {
  let phase = '';
  let rowLast: { t: number; rows: number } | null = null;
  let rowRate: number | undefined;
  let byteOrigin: { t: number; bytes: number } | null = null;
  let byteLast: { t: number; bytes: number } | null = null;
  let byteRate: number | undefined;
  /** The last byte count reported (byteLast is the last one sampled into the average). */
  let bytesSeen = 0;

  const blend = (old: number | undefined, sample: number, dt: number) => {
    if (old === undefined) return sample;
    const w = 1 - Math.pow(0.5, dt / halfLifeMs);
    return old + (sample - old) * w;
  };

  const meanByteRate = (t: number, bytes: number): number | undefined => {
    if (!byteOrigin || t <= byteOrigin.t || bytes <= byteOrigin.bytes) return undefined;
    return ((bytes - byteOrigin.bytes) * 1000) / (t - byteOrigin.t);
  };

  return {
    /** Feeds one report and returns it with rate and ETA filled in where they can be computed. */
    update(p: JobProgress): MeteredProgress {
      const t = now();
      const out: MeteredProgress = { ...p };
      let bytesPerSecond: number | undefined;
      if (p.bytesDone !== undefined) {
        const bytes = p.bytesDone;
        const wentBack = bytes < bytesSeen;
        bytesSeen = bytes;
        if (!byteLast || wentBack) {
          byteOrigin = { t, bytes };
          byteLast = { t, bytes };
          byteRate = undefined;
        } else if (t - byteLast.t >= 50) {
          byteRate = blend(byteRate, ((bytes - byteLast.bytes) * 1000) / (t - byteLast.t), t - byteLast.t);
          byteLast = { t, bytes };
        }
        bytesPerSecond = byteRate ?? meanByteRate(t, bytes);
        if (bytesPerSecond !== undefined) out.bytesPerSecond = Math.round(bytesPerSecond);
      }
      const rows = p.rowsDone ?? 0;
      if (p.phase !== phase || !rowLast) {
        phase = p.phase;
        rowLast = { t, rows };
        rowRate = undefined;
      } else if (t - rowLast.t >= 50) {
        if (p.rowsDone !== undefined && rows >= rowLast.rows) rowRate = blend(rowRate, ((rows - rowLast.rows) * 1000) / (t - rowLast.t), t - rowLast.t);
        rowLast = { t, rows };
      }
      if (rowRate !== undefined) out.rowsPerSecond = Math.round(rowRate);
      const eta = etaOf(p.bytesDone, p.bytesTotal, bytesPerSecond) ?? etaOf(p.rowsDone, p.rowsTotal, rowRate);
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
  /** Bytes the run's fetch jobs have moved so far: finished ones in full, running ones as far as they got. */
  bytesDone: number;
  /**
   * What the fetch jobs move in all: finished ones as they moved, the others at the larger of their
   * estimate and what they report (a plan's typical size can be low). Grows when an estimate was.
   */
  bytesTotal: number;
  /** Average fetch throughput since the run started (bytes moved over elapsed time). */
  bytesPerSecond?: number;
}

/** One job as the run's progress counts it. */
export interface RunProgressJob {
  state: JobState;
  /** Estimated bytes (the plan's size). */
  weight?: number;
  progress?: JobProgress;
  /** A fetch job (network slot): its bytes count as the run's bytes. */
  network?: boolean;
  /** Bytes a finished job moved. */
  bytes?: number;
}

/**
 * Overall progress from every job's state, weight (estimated bytes) and latest report. The ETA
 * extrapolates elapsed time over byte-weighted work: crude at first, so it waits for 2% and 1 s.
 */
export function computeRunProgress(jobs: Iterable<RunProgressJob>, elapsedMs: number, bytesDownloaded: number): RunProgress {
  let total = 0;
  let done = 0;
  let jobsTotal = 0;
  let jobsDone = 0;
  let running = 0;
  let bytesDone = 0;
  let bytesTotal = 0;
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
    if (!j.network) continue;
    if (j.state === 'queued' || j.state === 'running') {
      const moved = j.state === 'running' ? (j.progress?.bytesDone ?? 0) : 0;
      bytesDone += moved;
      bytesTotal += Math.max(j.weight ?? 0, j.state === 'running' ? (j.progress?.bytesTotal ?? 0) : 0, moved);
    } else {
      bytesDone += j.bytes ?? 0;
      bytesTotal += j.bytes ?? 0;
    }
  }
  const fraction = total > 0 ? done / total : 1;
  const p: RunProgress = { jobsTotal, jobsDone, running, fraction, elapsedMs, bytesDownloaded, bytesDone, bytesTotal };
  if (elapsedMs > 0 && bytesDone > 0) p.bytesPerSecond = Math.round((bytesDone * 1000) / elapsedMs);
  if (fraction > 0.02 && fraction < 1 && elapsedMs > 1000) p.etaSeconds = Math.round((elapsedMs * (1 - fraction)) / fraction / 1000);
  return p;
}
