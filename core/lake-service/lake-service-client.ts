/**
 * The backend's handle on the long-lived "lake" process: starts it through the same process
 * launcher jobs use (utilityProcess in Electron, child_process.fork elsewhere), pairs calls with
 * replies by id, and restarts the process whenever it exits. Calls that were in flight when it
 * died fail with `unavailable` (their outcome is unknown, so they are not silently replayed);
 * calls made while it restarts wait for the new process.
 */
import { fileURLToPath } from 'node:url';
import type { ContractErrorCode } from '../contract/contract-result.ts';
import { RequestError } from '../contract/request-error.ts';
import { workerEntryFor } from '../process/bundled-entry.ts';
import type { ExitInfo, LaunchedProcess, ProcessLauncher } from '../process/process-launcher.ts';
import { isFromLakeService, type LakeMethod, type LakeMethods, type LakeServiceConfig, type ToLakeService } from './lake-service-protocol.ts';

/** Path of the service's entry module under Node hosts: the source (CLI from source, web host, tests) or the CLI's bundled one. */
export function nodeLakeServiceEntry(): string {
  return workerEntryFor('lake-service', fileURLToPath(new URL('./lake-service-entry.ts', import.meta.url)));
}

/** Options for createLakeServiceClient. */
export interface LakeServiceClientOptions {
  launcher: ProcessLauncher;
  /** The service's entry module (lake-service-entry.ts from source, the bundled .cjs in Electron). */
  entry: string;
  config: LakeServiceConfig;
  /** How long a start may take before it counts as failed (default 30 s). */
  startTimeoutMs?: number;
  /** Told about every exit and restart (for the log). */
  onStatus?: (message: string, info?: ExitInfo) => void;
}

/** A client of the lake process. */
export interface LakeServiceClient {
  call<M extends LakeMethod>(method: M, params: LakeMethods[M]['params']): Promise<LakeMethods[M]['result']>;
  /** Points the service at a new lake or engine limits (restarts it when they changed). */
  configure(config: LakeServiceConfig): void;
  /** The service's current pid (for memory gauges), if it runs. */
  pid(): number | undefined;
  /** How many times the process was restarted after an exit. */
  restarts(): number;
  close(): Promise<void>;
}

interface Call {
  id: number;
  method: LakeMethod;
  params: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  sent: boolean;
}

const MAX_BACKOFF_MS = 5000;

/** Creates the client and starts the process. */
export function createLakeServiceClient(options: LakeServiceClientOptions): LakeServiceClient {
  let config = options.config;
  let proc: LaunchedProcess | null = null;
  let initialized = false;
  let closed = false;
  let nextId = 1;
  let restartCount = 0;
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  /** A process we stopped on purpose (new configuration): replaced at once, not counted as a crash. */
  let retiring: LaunchedProcess | null = null;
  let startTimer: NodeJS.Timeout | null = null;
  const calls = new Map<number, Call>();
  const status = options.onStatus ?? (() => undefined);

  const post = (p: LaunchedProcess, m: ToLakeService) => p.postMessage(m);

  const flush = () => {
    if (!proc || !initialized) return;
    for (const c of calls.values()) {
      if (c.sent) continue;
      c.sent = true;
      post(proc, { type: 'call', id: c.id, method: c.method, params: c.params });
    }
  };

  const start = () => {
    if (closed) return;
    initialized = false;
    const p = options.launcher.launch({ serviceName: 'lake', entry: options.entry, jobId: 'lake' });
    proc = p;
    startTimer = setTimeout(() => {
      if (proc === p && !initialized) {
        status('the lake service did not start in time; restarting it');
        p.kill('SIGKILL');
      }
    }, options.startTimeoutMs ?? 30_000);
    startTimer.unref?.();
    p.onMessage((m) => {
      if (proc !== p || !isFromLakeService(m)) return;
      if (m.type === 'ready') post(p, { type: 'init', config });
      else if (m.type === 'initialized') {
        initialized = true;
        failuresInARow = 0;
        if (startTimer) clearTimeout(startTimer);
        flush();
      } else {
        const c = calls.get(m.id);
        if (!c) return;
        calls.delete(m.id);
        if (m.ok) c.resolve(m.value);
        else c.reject(new RequestError(m.error.code as ContractErrorCode, m.error.message));
      }
    });
    p.onOutput((line, stream) => {
      if (stream === 'stderr') status(`lake service: ${line}`);
    });
    p.onExit((info) => {
      if (proc !== p) return;
      proc = null;
      initialized = false;
      if (startTimer) clearTimeout(startTimer);
      const why = info.reason === 'oom' ? 'ran out of memory' : info.reason === 'clean' ? 'exited' : `${info.reason} (${info.signal ?? `exit code ${info.code}`})`;
      for (const [id, c] of calls) {
        if (!c.sent) continue;
        calls.delete(id);
        c.reject(new RequestError('unavailable', `the lake service ${why} while answering ${c.method}; it is restarting, try again`));
      }
      if (closed) return;
      if (retiring === p) {
        retiring = null;
        start();
        return;
      }
      failuresInARow += 1;
      restartCount += 1;
      const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (failuresInARow - 1));
      status(`the lake service ${why}; restarting in ${delay} ms`, info);
      // Not unref'd: a caller awaiting a queued call must keep the process alive until the restart.
      restartTimer = setTimeout(start, delay);
    });
  };

  start();

  return {
    call(method, params) {
      if (closed) return Promise.reject(new RequestError('unavailable', 'the lake service is shut down'));
      return new Promise((resolve, reject) => {
        const id = nextId++;
        calls.set(id, { id, method, params, resolve: resolve as (v: unknown) => void, reject, sent: false });
        flush();
      });
    },
    configure(next) {
      if (JSON.stringify(next) === JSON.stringify(config)) return;
      config = next;
      // A new lake (or new limits) needs a fresh engine: calls from now on wait for the new process.
      if (proc) {
        retiring = proc;
        initialized = false;
        proc.kill('SIGTERM');
      }
    },
    pid: () => proc?.pid,
    restarts: () => restartCount,
    async close() {
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (startTimer) clearTimeout(startTimer);
      for (const [id, c] of calls) {
        calls.delete(id);
        c.reject(new RequestError('unavailable', 'the lake service is shutting down'));
      }
      const p = proc;
      if (!p) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => p.kill('SIGKILL'), 3000);
        p.onExit(() => {
          clearTimeout(kill);
          resolve();
        });
        p.kill('SIGTERM');
      });
      proc = null;
    },
  };
}
