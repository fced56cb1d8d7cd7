import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { JobProgress, ProgressSink } from '../progress/job-progress.ts';
import { isToWorker, type FromWorker, type WorkerResult } from './job-protocol.ts';
import { workerPort, type WorkerPort } from './worker-port.ts';

/** A message channel to the run's services (the REST rate gate), brokered by the supervisor. */
export interface ServicePort {
  send(message: unknown): void;
  /** Subscribes to messages from the services; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** What a job handler gets besides its spec. */
export interface WorkerContext {
  jobId: string;
  services: ServicePort;
  /** Aborted when the supervisor cancels the job or the parent disappears. */
  signal: AbortSignal;
  /** Report progress as often as convenient; the worker forwards at most every `progressIntervalMs`. */
  onProgress: ProgressSink;
  /** Lines go to the job's log in the run folder (metadata/runs/<run>/<job>.log). */
  logger: Logger;
}

/** Runs one job and says how it ended; throwing counts as `failed` with the error's message. */
export type JobHandler = (spec: unknown, ctx: WorkerContext) => Promise<WorkerResult>;

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino logger whose lines travel to the supervisor as `log` messages, formatted for reading. */
function portLogger(send: (m: FromWorker) => void, level: string): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        const { level: lv, time, msg, pid: _p, hostname: _h, ...rest } = JSON.parse(chunk.toString()) as Record<string, unknown>;
        const extras = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const name = LEVEL_NAMES[Number(lv)] ?? 'info';
        send({ type: 'log', level: name, line: `${new Date(Number(time)).toISOString()} ${name.padEnd(5)} ${String(msg ?? '')}${extras ? ` ${extras}` : ''}` });
      } catch {
        send({ type: 'log', level: 'info', line: chunk.toString().trimEnd() });
      }
      done();
    },
  });
  const redact = ['secretAccessKey', '*.secretAccessKey', '*.*.secretAccessKey', 'accessKeyId', '*.accessKeyId', '*.*.accessKeyId', 'authorization', '*.authorization'];
  return pino({ level, redact: { paths: redact, censor: '***' } }, stream);
}

/** Coalesces progress reports so a tight loop cannot flood the IPC channel. */
function throttledProgress(send: (p: JobProgress) => void, intervalMs: number): { sink: ProgressSink; flush(): void } {
  let latest: JobProgress | null = null;
  let lastSent = 0;
  let lastPhase = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (latest) send(latest);
    latest = null;
    lastSent = Date.now();
  };
  return {
    sink(p) {
      latest = { ...p, warning: p.warning ?? latest?.warning };
      // A phase change or a warning is news; counters can wait for the next tick.
      if (p.phase !== lastPhase || p.warning || Date.now() - lastSent >= intervalMs) {
        lastPhase = p.phase;
        flush();
      } else if (!timer) {
        timer = setTimeout(flush, intervalMs - (Date.now() - lastSent));
        timer.unref();
      }
    },
    flush,
  };
}

/**
 * Turns the current process into a job worker: waits for `start`, runs `handler`, streams progress
 * and log lines, sends the result and exits. A `cancel` message or the parent's disappearance
 * aborts the handler's signal; the supervisor kills the process if it does not stop in time.
 */
export function runWorker(handler: JobHandler, options: { progressIntervalMs?: number; port?: WorkerPort } = {}): void {
  const port = options.port ?? workerPort();
  const send = (m: FromWorker) => port.postMessage(m);
  const controller = new AbortController();
  let started = false;
  const serviceListeners = new Set<(message: unknown) => void>();
  const services: ServicePort = {
    send: (message) => send({ type: 'service', message }),
    onMessage(listener) {
      serviceListeners.add(listener);
      return () => serviceListeners.delete(listener);
    },
  };

  // Ctrl-C in a terminal signals the whole process group. The supervisor turns it into a cancel
  // with a grace period; a worker dying on the raw signal would skip that and count as a crash.
  process.on('SIGINT', () => undefined);

  port.onDisconnect(() => {
    // Orphaned: nobody will read our result, and a new run may already own the lake. Stop now.
    controller.abort(new Error('supervisor disconnected'));
    setTimeout(() => process.exit(2), 2000).unref();
  });

  port.onMessage((message) => {
    if (!isToWorker(message)) return;
    if (message.type === 'service') {
      for (const l of serviceListeners) l(message.message);
      return;
    }
    if (message.type === 'cancel') {
      controller.abort(new Error('cancelled'));
      // Cancelled before it started: nothing to wind down, so say so and leave now rather than
      // wait to be killed.
      if (!started) {
        started = true;
        send({ type: 'result', result: { outcome: 'cancelled', error: 'cancelled before it started' } });
        void port.flush().then(() => process.exit(0));
      }
      return;
    }
    if (started) return;
    started = true;
    void run(message.jobId, message.spec);
  });

  async function run(jobId: string, spec: unknown): Promise<void> {
    const progress = throttledProgress((p) => send({ type: 'progress', progress: p }), options.progressIntervalMs ?? 200);
    const level = (spec as { logLevel?: string } | null)?.logLevel ?? 'info';
    const logger = portLogger(send, level);
    let result: WorkerResult;
    try {
      result = await handler(spec, { jobId, services, signal: controller.signal, onProgress: progress.sink, logger });
      if (controller.signal.aborted && result.outcome === 'failed') result = { ...result, outcome: 'cancelled' };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result = controller.signal.aborted ? { outcome: 'cancelled', error: message } : { outcome: 'failed', error: message };
      logger.error(message);
    }
    progress.flush();
    send({ type: 'result', result });
    await port.flush();
    // Open handles (a DuckDB instance, pooled sockets) must not keep a finished job alive.
    process.exit(0);
  }

  send({ type: 'ready' });
}
