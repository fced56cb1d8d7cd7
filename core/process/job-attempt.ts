/**
 * One attempt of one job: a process from the launcher, the ready handshake, the start timeout,
 * the spec sent once the worker listens, cancel with a grace period then a kill, pause and resume,
 * service messages both ways, and one typed `exit` event saying how it ended (VS Code's
 * UtilityProcess is the model). The supervisor keeps only scheduling; everything about a process's
 * life is here.
 */
import type { JobProgress } from '../progress/job-progress.ts';
import { isFromWorker, type ToWorker, type WorkerResult } from './job-protocol.ts';
import type { ExitInfo, LaunchedProcess, LaunchSpec, ProcessLauncher } from './process-launcher.ts';

/** Why an attempt was asked to stop before it finished. */
export type StopReason = 'cancel' | 'memory';

/** How an attempt ended. */
export interface AttemptExit {
  /** The worker's result, when it sent one before exiting. */
  result: WorkerResult | null;
  exit: ExitInfo;
  /** Set when it had been asked to stop. */
  stopped: StopReason | null;
  /** It never said `ready` within the start timeout (it was killed). */
  startTimedOut: boolean;
  /** It could not be started at all (the launcher threw). */
  launchError: string | null;
}

/** What an attempt tells its owner. */
export type AttemptEvent =
  | { type: 'started'; pid: number | null }
  | { type: 'ready' }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: string; line: string }
  | { type: 'output'; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'service'; message: unknown }
  | { type: 'exit'; exit: AttemptExit };

/** Options of one attempt. */
export interface AttemptOptions {
  launcher: ProcessLauncher;
  launch: LaunchSpec;
  /** Sent with `start` once the worker is ready (never before: a message posted earlier is lost). */
  spec: unknown;
  /** How long the process may take to say `ready` (default 60 s). */
  startTimeoutMs?: number;
  /** How long a stop request waits before the kill (default 5 s). */
  cancelGraceMs?: number;
}

/** A running attempt. */
export interface JobAttempt {
  readonly pid: number | undefined;
  /** Said `ready` (a process still starting is left alone by memory pressure). */
  readonly ready: boolean;
  readonly paused: boolean;
  /** Asked to stop, and why. */
  readonly stopping: StopReason | null;
  /** Asks the worker to stop; kills it after the grace period. No-op once stopping or gone. */
  stop(why: StopReason): void;
  /** Pauses the process (SIGSTOP where the OS has it); false when it could not. */
  pause(): boolean;
  resume(): void;
  /** Sends a message to the worker's services. */
  postService(message: unknown): void;
}

/** Starts an attempt; `onEvent` hears everything, `exit` exactly once. */
export function startAttempt(opts: AttemptOptions, onEvent: (e: AttemptEvent) => void): JobAttempt {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const cancelGraceMs = opts.cancelGraceMs ?? 5000;
  let proc: LaunchedProcess | null = null;
  let ready = false;
  let paused = false;
  let stopping: StopReason | null = null;
  let result: WorkerResult | null = null;
  let startTimedOut = false;
  let gone = false;
  let killTimer: NodeJS.Timeout | null = null;
  let startTimer: NodeJS.Timeout | null = null;

  const post = (m: ToWorker) => proc?.postMessage(m);
  const clearTimers = () => {
    if (killTimer) clearTimeout(killTimer);
    if (startTimer) clearTimeout(startTimer);
    killTimer = startTimer = null;
  };

  const attempt: JobAttempt = {
    get pid() {
      return proc?.pid;
    },
    get ready() {
      return ready;
    },
    get paused() {
      return paused;
    },
    get stopping() {
      return stopping;
    },
    stop(why) {
      if (!proc || gone || stopping) return;
      stopping = why;
      // A paused (SIGSTOPped) process cannot read the cancel message.
      if (paused) proc.kill('SIGCONT');
      paused = false;
      post({ type: 'cancel' });
      const p = proc;
      killTimer = setTimeout(() => p.kill('SIGKILL'), cancelGraceMs);
    },
    pause() {
      if (!proc || gone || paused) return false;
      paused = proc.kill('SIGSTOP');
      return paused;
    },
    resume() {
      if (!proc || gone || !paused) return;
      proc.kill('SIGCONT');
      paused = false;
    },
    postService(message) {
      if (!gone) post({ type: 'service', message });
    },
  };

  try {
    proc = opts.launcher.launch(opts.launch);
  } catch (err) {
    gone = true;
    const message = `could not start: ${(err as Error).message}`;
    queueMicrotask(() =>
      onEvent({ type: 'exit', exit: { result: null, exit: { code: null, signal: null, reason: 'crashed', stderrTail: message }, stopped: null, startTimedOut: false, launchError: message } }),
    );
    return attempt;
  }
  const p = proc;
  startTimer = setTimeout(() => {
    startTimedOut = true;
    p.kill('SIGKILL');
  }, startTimeoutMs);
  onEvent({ type: 'started', pid: p.pid ?? null });
  p.onMessage((m) => {
    if (gone || !isFromWorker(m)) return;
    switch (m.type) {
      case 'ready':
        if (startTimer) clearTimeout(startTimer);
        startTimer = null;
        ready = true;
        if (stopping) post({ type: 'cancel' });
        else post({ type: 'start', jobId: opts.launch.jobId, spec: opts.spec });
        onEvent({ type: 'ready' });
        break;
      case 'progress':
        onEvent({ type: 'progress', progress: m.progress });
        break;
      case 'log':
        onEvent({ type: 'log', level: m.level, line: m.line });
        break;
      case 'service':
        onEvent({ type: 'service', message: m.message });
        break;
      case 'result':
        result = m.result;
        break;
    }
  });
  p.onOutput((line, stream) => onEvent({ type: 'output', line, stream }));
  p.onExit((exit) => {
    if (gone) return;
    gone = true;
    paused = false;
    clearTimers();
    onEvent({ type: 'exit', exit: { result, exit, stopped: stopping, startTimedOut, launchError: null } });
  });
  return attempt;
}
