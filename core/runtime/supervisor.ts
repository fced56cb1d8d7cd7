import os from 'node:os';
import { scrubText } from '../config/redact.ts';
import { diskFullMessage } from '../files/disk-errors.ts';
import { startAttempt, type AttemptEvent, type AttemptExit, type JobAttempt } from '../process/job-attempt.ts';
import type { ProcessLauncher } from '../process/process-launcher.ts';
import type { ServicePort } from '../process/worker-main.ts';
import type { MemoryLevel, MemoryMonitor, MemorySample } from '../system/memory-monitor.ts';
import type { JobOutcome, JobState, RunEnd } from '../vocabulary/job-states.ts';
import { pickJobsToStart, unsatisfiableJobs, type JobLimits, type SchedulableJob } from './job-scheduler.ts';
import type { CrashRecord, JobSummary, SupervisedJob, WorkerResult } from './job-types.ts';
import { respondToMemory } from './memory-response.ts';
import { computeRunProgress, createProgressMeter, type MeteredProgress } from './progress-meter.ts';
import { retryDelayMs, shouldRetry, type RetryPolicy } from './retry-policy.ts';
import { jobLogPath, journalJob, newRunId, openRunJournal, type RunJournal } from './run-journal.ts';
import { createEventHub, type JobView, type RunSummary, type SupervisorListener } from './supervisor-events.ts';

/** Run-wide services jobs reach over their message channel (the REST rate gate). */
export interface RunServices {
  /** Connects one job attempt's channel; returns the function that disconnects it. */
  attach(jobId: string, port: ServicePort): () => void;
}

/** Everything a supervisor needs for one run. */
export interface SupervisorOptions {
  lakeRoot: string;
  launcher: ProcessLauncher;
  limits: JobLimits;
  retry: RetryPolicy;
  /** Memory pressure gate; the host owns it (starts and stops it), the supervisor only listens. */
  memory?: MemoryMonitor;
  /** How long `critical` must last before the newest heavy job is stopped and requeued. */
  criticalGraceMs?: number;
  /** How long a job has to stop after a cancel message before it is killed (default 5 s). */
  cancelGraceMs?: number;
  /** How long a new job process may take to say it is ready before it counts as crashed (default 60 s). */
  startTimeoutMs?: number;
  /** Values scrubbed from every log line and error before it is stored or shown. */
  secrets?: readonly string[];
  /** Recorded in the journal, e.g. "quantmini update --days-back 5". */
  command?: string;
  /** A plan summary recorded in the journal's first line (no secrets). */
  plan?: unknown;
  services?: RunServices;
  runId?: string;
  now?: () => number;
}

/** A run in progress: listen to it, cancel parts of it, await its summary. */
export interface Supervisor {
  readonly runId: string;
  on(listener: SupervisorListener): () => void;
  /** Runs the jobs to completion; call once. */
  run(jobs: readonly SupervisedJob[]): Promise<RunSummary>;
  /** Cancels one job (queued: dropped; running: asked to stop, killed after the grace period). */
  cancel(jobId: string): boolean;
  /** Cancels every job that has not finished. */
  cancelRun(): void;
  /** Current view of every job. */
  jobs(): JobView[];
}

/** One job over its attempts: scheduling state only; each attempt's process life is a JobAttempt. */
interface Entry {
  job: SupervisedJob;
  state: JobState;
  attempts: number;
  notBefore: number;
  firstStartedAt: number | null;
  finishedAt: number | null;
  attempt: JobAttempt | null;
  detachServices: (() => void) | null;
  result: WorkerResult | null;
  /** Order of the latest launch; "newest job" must not depend on two launches' milliseconds differing. */
  launchSeq: number;
  crashes: CrashRecord[];
  warnings: string[];
  memoryRequeues: number;
  /** Set on the job whose write failed when the run stops for a full disk: it ends failed, not skipped. */
  failOnStop: string | null;
  meter: ReturnType<typeof createProgressMeter>;
  progress: MeteredProgress | undefined;
  error: string | undefined;
}

const TERMINAL: ReadonlySet<JobState> = new Set<JobState>(['complete', 'degraded', 'skipped', 'pending', 'missing', 'not_entitled', 'failed', 'cancelled']);

/**
 * Creates the supervisor of one run: a queue with per-pool limits, one writer per partition,
 * retry with backoff, memory gating, cancellation, a journal line per state change and progress
 * fan-out. Every job runs in its own process (a JobAttempt), so a crash (or an OOM) costs one
 * attempt of one job, never the run.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const now = options.now ?? Date.now;
  const runId = options.runId ?? newRunId(new Date(now()));
  const hub = createEventHub();
  const secrets = options.secrets ?? [];
  const scrub = (s: string) => scrubText(s, secrets);
  const criticalGraceMs = options.criticalGraceMs ?? 20_000;
  const entries = new Map<string, Entry>();
  let journal: RunJournal | null = null;
  let runCancelled = false;
  let started = false;
  let startedAt = 0;
  let finish: ((s: RunSummary) => void) | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let lastRunProgress = 0;
  let heldBy: MemoryLevel | null = null;
  let criticalSince: number | null = null;
  let lastLevel: MemoryLevel | null = null;
  let unsubscribeMemory: (() => void) | null = null;
  let launches = 0;
  /** Set when a failure every job would meet (disk full, credentials rejected) stopped the run. */
  let stopReason: string | null = null;
  const jobOfLog = (file: string): string | undefined => [...entries.keys()].find((id) => jobLogPath(options.lakeRoot, runId, id) === file);

  const view = (e: Entry): JobView => ({ ...journalJob(e.job), state: e.state, attempts: e.attempts });

  const summaryOf = (e: Entry): JobSummary => ({
    id: e.job.id,
    kind: e.job.kind,
    dataset: e.job.dataset,
    layer: e.job.layer,
    date: e.job.date,
    dates: e.job.dates,
    state: e.state,
    attempts: e.attempts,
    durationMs: e.firstStartedAt !== null ? (e.finishedAt ?? now()) - e.firstStartedAt : 0,
    ...(e.result?.bytes !== undefined ? { bytes: e.result.bytes } : {}),
    ...(e.result?.rows !== undefined ? { rows: e.result.rows } : {}),
    ...(e.result?.rejects !== undefined ? { rejects: e.result.rejects } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(e.result?.errorKind ? { errorKind: e.result.errorKind } : {}),
    crashes: e.crashes,
    warnings: e.warnings,
    memoryRequeues: e.memoryRequeues,
  });

  const bytesDownloaded = () =>
    [...entries.values()].filter((e) => e.job.resource === 'network' && e.state === 'complete').reduce((s, e) => s + (e.result?.bytes ?? 0), 0);

  const runProgress = () =>
    computeRunProgress(
      [...entries.values()].map((e) => ({
        state: e.state,
        network: e.job.resource === 'network',
        ...(e.job.estimatedBytes !== undefined ? { weight: e.job.estimatedBytes } : {}),
        ...(e.progress ? { progress: e.progress } : {}),
        ...(e.result?.bytes !== undefined ? { bytes: e.result.bytes } : {}),
      })),
      now() - startedAt,
      bytesDownloaded(),
    );

  function emitRunProgress(force = false): void {
    const t = now();
    if (!force && t - lastRunProgress < 500) return;
    lastRunProgress = t;
    hub.emit({ type: 'run.progress', runId, progress: runProgress() });
  }

  function finalize(e: Entry, state: JobOutcome, error?: string): void {
    if (TERMINAL.has(e.state)) return;
    e.state = state;
    e.finishedAt = now();
    if (error !== undefined) e.error = scrub(error);
    const s = summaryOf(e);
    const { id: _id, kind: _kind, dataset: _ds, date: _date, layer: _layer, dates: _dates, ...rest } = s;
    journal?.append({ type: 'job.finished', jobId: e.job.id, ...rest });
    hub.emit({ type: 'job.finished', runId, job: s });
    emitRunProgress(true);
  }

  function requeue(e: Entry, delayMs: number, reason: string): void {
    e.state = 'queued';
    e.notBefore = now() + delayMs;
    e.progress = undefined;
    hub.emit({ type: 'job.queued', runId, job: view(e), reason });
  }

  function schedulable(): SchedulableJob[] {
    return [...entries.values()].map((e) => ({
      id: e.job.id,
      resource: e.job.resource,
      state: e.state,
      ...(e.job.dependsOn ? { dependsOn: e.job.dependsOn } : {}),
      partitions: e.job.partitions,
      notBefore: e.notBefore,
      occupying: e.attempt !== null,
    }));
  }

  function schedule(): void {
    if (!started || finish === null) return;
    for (const u of unsatisfiableJobs(schedulable())) finalize(entries.get(u.id)!, u.state, u.reason);
    if (!runCancelled && stopReason === null) {
      const level = options.memory?.level ?? 'normal';
      const pick = pickJobsToStart(schedulable(), options.limits, level, now());
      if (pick.heldBy !== heldBy) {
        heldBy = pick.heldBy;
        if (heldBy) {
          const pct = options.memory?.last?.usedPercent;
          hub.emit({ type: 'run.waiting', runId, level: heldBy, message: `memory ${heldBy}${pct !== undefined ? ` (${pct}% in use)` : ''}: new jobs wait until pressure drops` });
        }
      }
      for (const id of pick.start) launch(entries.get(id)!);
    }
    armRetryTimer();
    maybeFinish();
  }

  // One timer for the earliest pending retry, instead of a timer per job.
  function armRetryTimer(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const t = now();
    const waits = [...entries.values()].filter((e) => e.state === 'queued' && e.notBefore > t).map((e) => e.notBefore - t);
    if (waits.length === 0) return;
    retryTimer = setTimeout(schedule, Math.min(...waits) + 5);
  }

  function launch(e: Entry): void {
    e.attempts += 1;
    e.state = 'running';
    e.result = null;
    e.launchSeq = ++launches;
    e.firstStartedAt ??= now();
    e.meter = createProgressMeter(now);
    const serviceListeners = new Set<(m: unknown) => void>();
    let attempt: JobAttempt | null = null;
    const onEvent = (ev: AttemptEvent) => onAttemptEvent(e, ev, serviceListeners);
    attempt = startAttempt(
      {
        launcher: options.launcher,
        launch: { serviceName: `quantmini-${e.job.id.replace(/[^\w.-]/g, '_')}`, entry: e.job.entry, jobId: e.job.id, ...(e.job.maxHeapMb ? { maxHeapMb: e.job.maxHeapMb } : {}) },
        spec: e.job.payload,
        ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
        ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
      },
      onEvent,
    );
    e.attempt = attempt;
    if (options.services) {
      const port: ServicePort = {
        send: (message) => attempt?.postService(message),
        onMessage(listener) {
          serviceListeners.add(listener);
          return () => serviceListeners.delete(listener);
        },
      };
      e.detachServices = options.services.attach(e.job.id, port);
    }
  }

  function onAttemptEvent(e: Entry, ev: AttemptEvent, serviceListeners: Set<(m: unknown) => void>): void {
    switch (ev.type) {
      case 'started':
        journal?.append({ type: 'job.started', jobId: e.job.id, attempt: e.attempts, pid: ev.pid });
        hub.emit({ type: 'job.started', runId, jobId: e.job.id, attempt: e.attempts, pid: ev.pid });
        break;
      case 'ready':
        break;
      case 'progress': {
        const p = e.meter.update(ev.progress);
        if (p.warning) {
          p.warning = scrub(p.warning);
          if (!e.warnings.includes(p.warning)) e.warnings.push(p.warning);
        }
        if (p.message) p.message = scrub(p.message);
        e.progress = p;
        hub.emit({ type: 'job.progress', runId, jobId: e.job.id, kind: e.job.kind, dataset: e.job.dataset, date: e.job.date, progress: p });
        emitRunProgress();
        break;
      }
      case 'log':
        journal?.jobLog(e.job.id, scrub(ev.line));
        break;
      case 'output':
        journal?.jobLog(e.job.id, scrub(`[${ev.stream}] ${ev.line}`));
        break;
      case 'service':
        for (const l of serviceListeners) l(ev.message);
        break;
      case 'exit':
        onExit(e, ev.exit);
        break;
    }
  }

  function onExit(e: Entry, x: AttemptExit): void {
    e.attempt = null;
    e.detachServices?.();
    e.detachServices = null;
    const result = x.result ? { ...x.result, ...(x.result.error ? { error: scrub(x.result.error) } : {}) } : null;
    e.result = result;
    if (result && result.outcome !== 'cancelled') {
      // It finished before the stop took effect: keep the work.
      onResult(e, result);
    } else if (x.stopped === 'memory') {
      e.attempts -= 1;
      e.memoryRequeues += 1;
      journal?.append({ type: 'job.requeued', jobId: e.job.id, reason: 'memory pressure critical' });
      requeue(e, 0, 'stopped under critical memory pressure; requeued');
    } else if (x.stopped === 'cancel' && stopReason !== null && !runCancelled) {
      if (e.failOnStop) finalize(e, 'failed', e.failOnStop);
      else finalize(e, 'skipped', `stopped: ${stopReason}`);
    } else if (x.stopped === 'cancel' || runCancelled) {
      finalize(e, 'cancelled', 'cancelled');
    } else if (result) {
      onResult(e, result);
    } else {
      const lastLine = x.launchError ?? (x.startTimedOut ? `did not start within ${options.startTimeoutMs ?? 60_000} ms` : x.exit.stderrTail?.trim().split('\n').filter((l) => l.trim()).slice(-1)[0]);
      onCrash(e, {
        attempt: e.attempts,
        reason: x.exit.reason === 'clean' || x.startTimedOut ? 'crashed' : x.exit.reason,
        code: x.exit.code,
        signal: x.exit.signal,
        ...(lastLine ? { detail: scrub(lastLine).slice(0, 500) } : {}),
      });
    }
    schedule();
  }

  /**
   * Stops the run after a failure every other job would meet too: nothing new starts, queued jobs
   * end `skipped` with the reason, running ones are asked to stop. The run ends `failed` with it.
   */
  function stopRun(reason: string, culprit?: string): void {
    if (stopReason !== null || finish === null) return;
    stopReason = scrub(reason);
    journal?.append({ type: 'run.stopping', reason: stopReason });
    for (const other of entries.values()) {
      if (TERMINAL.has(other.state)) continue;
      if (other.job.id === culprit) other.failOnStop = stopReason;
      if (other.attempt) other.attempt.stop('cancel');
      else finalize(other, other.failOnStop ? 'failed' : 'skipped', other.failOnStop ?? `not started: ${stopReason}`);
    }
  }

  function onResult(e: Entry, result: WorkerResult): void {
    if (result.outcome === 'failed' && result.errorKind) {
      finalize(e, 'failed', result.error);
      stopRun(result.error ?? result.errorKind);
      return;
    }
    if (result.outcome === 'failed' && shouldRetry('failed', e.attempts, options.retry)) {
      const delay = retryDelayMs(e.attempts, options.retry);
      e.error = result.error ? scrub(result.error) : undefined;
      journal?.append({ type: 'job.retry', jobId: e.job.id, attempt: e.attempts, delayMs: delay, reason: e.error ?? 'failed' });
      requeue(e, delay, `job attempt ${e.attempts} of ${options.retry.maxAttempts} failed: ${e.error ?? 'unknown error'}; retrying in ${formatDelay(delay)}`);
      return;
    }
    // A failure after retries says how many job attempts it took, beside any request attempts inside one.
    const spent = result.outcome === 'failed' && e.attempts > 1 ? ` (job attempt ${e.attempts} of ${options.retry.maxAttempts})` : '';
    finalize(e, result.outcome, result.error !== undefined ? `${result.error}${spent}` : undefined);
  }

  function onCrash(e: Entry, crash: CrashRecord): void {
    e.crashes.push(crash);
    const willRetry = !runCancelled && stopReason === null && shouldRetry('crashed', e.attempts, options.retry);
    journal?.append({ type: 'job.crashed', jobId: e.job.id, crash });
    hub.emit({ type: 'job.crashed', runId, jobId: e.job.id, crash, willRetry });
    const what = describeCrash(crash);
    if (willRetry) {
      const delay = retryDelayMs(e.attempts, options.retry);
      journal?.append({ type: 'job.retry', jobId: e.job.id, attempt: e.attempts, delayMs: delay, reason: what });
      requeue(e, delay, `job attempt ${e.attempts} of ${options.retry.maxAttempts} ${what}; retrying in ${formatDelay(delay)}`);
    } else {
      finalize(e, runCancelled ? 'cancelled' : 'failed', `${what} (job attempt ${e.attempts} of ${options.retry.maxAttempts})`);
    }
  }

  function onMemorySample(sample: MemorySample): void {
    const labelled = { ...sample, processes: sample.processes.filter((p) => entries.has(p.label)) };
    hub.emit({ type: 'system.memory', sample: labelled });
    if (sample.level !== lastLevel) {
      lastLevel = sample.level;
      journal?.append({ type: 'memory.level', level: sample.level, usedPercent: sample.usedPercent });
    }
    const running = [...entries.values()].filter((e) => e.attempt !== null && !e.attempt.stopping);
    const act = respondToMemory(
      sample.level,
      running.map((e) => ({ id: e.job.id, resource: e.job.resource, paused: e.attempt!.paused, ready: e.attempt!.ready, launchSeq: e.launchSeq })),
      criticalSince,
      now(),
      criticalGraceMs,
    );
    criticalSince = act.criticalSince;
    for (const id of act.pause) {
      if (entries.get(id)!.attempt?.pause()) hub.emit({ type: 'job.paused', runId, jobId: id, reason: 'memory pressure critical' });
    }
    for (const id of act.resume) {
      entries.get(id)!.attempt?.resume();
      hub.emit({ type: 'job.resumed', runId, jobId: id });
    }
    if (act.stop) entries.get(act.stop)!.attempt?.stop('memory');
    schedule();
  }

  function maybeFinish(): void {
    if (!finish) return;
    for (const e of entries.values()) if (!TERMINAL.has(e.state)) return;
    const done = finish;
    finish = null;
    if (retryTimer) clearTimeout(retryTimer);
    unsubscribeMemory?.();
    const counts: Partial<Record<JobState, number>> = {};
    for (const e of entries.values()) counts[e.state] = (counts[e.state] ?? 0) + 1;
    const state: RunEnd = runCancelled ? 'cancelled' : counts.failed || stopReason !== null ? 'failed' : 'complete';
    const finishedAt = now();
    const summary: RunSummary = {
      runId,
      state,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      counts,
      bytesDownloaded: bytesDownloaded(),
      journal: journal?.file ?? '',
      jobs: [...entries.values()].map(summaryOf),
      ...(stopReason !== null ? { error: stopReason } : {}),
    };
    journal?.append({
      type: 'run.finished', state, durationMs: summary.durationMs, counts: counts as Record<string, number>, bytesDownloaded: summary.bytesDownloaded,
      ...(stopReason !== null ? { error: stopReason } : {}),
    });
    const j = journal;
    void (j ? j.close() : Promise.resolve()).then(
      () => {
        emitRunProgress(true);
        hub.emit({ type: 'run.finished', runId, summary });
        done(summary);
      },
      () => done(summary),
    );
  }

  return {
    runId,
    on: hub.on,
    run(jobs) {
      if (started) throw new Error('a supervisor runs once; create a new one for the next run');
      started = true;
      startedAt = now();
      const ids = new Set<string>();
      for (const job of jobs) {
        if (ids.has(job.id)) throw new Error(`duplicate job id ${job.id}`);
        ids.add(job.id);
      }
      for (const job of jobs) {
        for (const d of job.dependsOn ?? []) if (!ids.has(d)) throw new Error(`job ${job.id} depends on unknown job ${d}`);
        entries.set(job.id, {
          job, state: 'queued', attempts: 0, notBefore: 0, firstStartedAt: null, finishedAt: null, attempt: null, detachServices: null,
          result: null, launchSeq: 0, crashes: [], warnings: [], memoryRequeues: 0, failOnStop: null,
          meter: createProgressMeter(now), progress: undefined, error: undefined,
        });
      }
      journal = openRunJournal(options.lakeRoot, runId, () => new Date(now()));
      // The journal never throws; a full disk under it stops the run with a reason instead.
      journal.onWriteError((err) => {
        if (err.diskFull) stopRun(diskFullMessage(err.path), jobOfLog(err.path));
        else hub.emit({ type: 'run.notice', runId, message: scrub(`could not write ${err.path}: ${err.message}`) });
      });
      journal.append({
        type: 'run.started', runId, pid: process.pid, host: os.hostname(), command: options.command ?? 'quantmini',
        jobs: jobs.map(journalJob),
        ...(options.plan !== undefined ? { plan: options.plan } : {}),
      });
      const promise = new Promise<RunSummary>((resolve) => {
        finish = resolve;
      });
      hub.emit({ type: 'run.started', runId, jobs: [...entries.values()].map(view) });
      for (const e of entries.values()) hub.emit({ type: 'job.queued', runId, job: view(e) });
      if (options.memory) {
        options.memory.track(() =>
          [...entries.values()].filter((e) => e.attempt?.pid !== undefined).map((e) => ({ pid: e.attempt!.pid!, label: e.job.id })),
        );
        unsubscribeMemory = options.memory.onSample(onMemorySample);
      }
      schedule();
      return promise;
    },
    cancel(jobId) {
      const e = entries.get(jobId);
      if (!e || TERMINAL.has(e.state)) return false;
      if (e.attempt) e.attempt.stop('cancel');
      else finalize(e, 'cancelled', 'cancelled');
      schedule();
      return true;
    },
    cancelRun() {
      runCancelled = true;
      for (const e of entries.values()) {
        if (TERMINAL.has(e.state)) continue;
        if (e.attempt) e.attempt.stop('cancel');
        else finalize(e, 'cancelled', 'cancelled');
      }
      schedule();
    },
    jobs: () => [...entries.values()].map(view),
  };
}

/** A retry delay as people read it: "800 ms", "2.5 s". */
function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** One phrase for a crash: "crashed (exit code 3)", "was killed (SIGKILL)", "ran out of memory". */
export function describeCrash(c: Pick<CrashRecord, 'reason' | 'code' | 'signal'>): string {
  if (c.reason === 'oom') return `ran out of memory${c.signal ? ` (${c.signal})` : ''}`;
  if (c.reason === 'killed') return `was killed (${c.signal ?? 'signal'})`;
  return `crashed (${c.signal ? `signal ${c.signal}` : `exit code ${c.code ?? 'unknown'}`})`;
}
