/**
 * The seam between the supervisor and the operating system: something that starts one job process
 * and lets the supervisor talk to it. The Node hosts (CLI, web host, tests) use child_process.fork
 * (node-process-launcher.ts); Electron uses utilityProcess.fork (electron/utility-process-launcher.ts).
 * Keeping this an interface is what lets core/ stay free of any `electron` import.
 */

/** Why a job process ended, as far as the host can tell. */
export type ExitReason = 'clean' | 'crashed' | 'killed' | 'oom';

/** How a job process ended. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  reason: ExitReason;
  /** The last few KB the process wrote to stderr (crash diagnostics; scrub before showing). */
  stderrTail?: string;
}

/** What to start: a worker module and a name the OS tools and Electron's crash events show. */
export interface LaunchSpec {
  /** Unique per job, e.g. "quantmini-download-stocks_daily-2026-11-20"; Electron reports crashes by it. */
  serviceName: string;
  /** Absolute path of the worker module (.ts from source under Node, bundled .js under Electron). */
  entry: string;
  jobId: string;
  /** V8 heap cap in MiB for this process; omitted = the runtime's default. */
  maxHeapMb?: number;
}

/** A running job process. Messages are structured-cloned; secrets travel only this way. */
export interface LaunchedProcess {
  /** OS process id; undefined until the process has spawned (Electron assigns it asynchronously). */
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  onMessage(cb: (message: unknown) => void): void;
  /** Called once when the process is gone. */
  onExit(cb: (info: ExitInfo) => void): void;
  /** Lines the process printed on stdout/stderr (workers log through messages; this catches the rest). */
  onOutput(cb: (line: string, stream: 'stdout' | 'stderr') => void): void;
  /** Sends a signal (default SIGTERM). SIGSTOP/SIGCONT pause and resume where the OS supports them. */
  kill(signal?: NodeJS.Signals): boolean;
}

/** Starts job processes. */
export interface ProcessLauncher {
  launch(spec: LaunchSpec): LaunchedProcess;
}

// Secrets reach a job only through its message channel: a child inherits the parent's environment
// by default, and environment blocks are readable by other tools (ps e, /proc/<pid>/environ).
const SECRET_ENV = /^(MASSIVE_|POLYGON_|AWS_SECRET|AWS_ACCESS|AWS_SESSION)/;

/** The environment for a job process: the host's, minus anything that could carry a credential. */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!SECRET_ENV.test(k) && v !== undefined) out[k] = v;
  return out;
}

/** Marker V8 prints on stderr when a heap allocation fails, just before aborting. */
export const V8_OOM_MARKER = 'JavaScript heap out of memory';

/** Keeps the last `max` characters of a stream, to quote in crash reports. */
export function createTail(max = 8192): { push(text: string): void; text(): string } {
  let buf = '';
  return {
    push(text) {
      buf += text;
      if (buf.length > max * 2) buf = buf.slice(-max);
    },
    text: () => buf.slice(-max),
  };
}

/** Splits a byte stream into lines, calling `cb` per complete line (a final partial line on end). */
export function lineSplitter(cb: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) cb(l.replace(/\r$/, ''));
    },
    end() {
      if (rest.trim()) cb(rest);
      rest = '';
    },
  };
}

/** What both launchers keep of a job process's output, and its exit listeners. */
export interface ProcessOutput {
  /** Feeds a chunk of the process's stdout. */
  stdout(text: string): void;
  /** Feeds a chunk of stderr: also kept for the crash report and checked for V8's OOM marker. */
  stderr(text: string): void;
  /** Adds a host-side note (e.g. a spawn error) to the stderr tail of the crash report. */
  note(text: string): void;
  /** True once stderr has shown V8's heap-OOM marker. */
  readonly sawV8Oom: boolean;
  /** How the process ended, once reported. */
  readonly exitInfo: ExitInfo | null;
  /** Flushes partial lines and tells the exit listeners, once; later calls are ignored. */
  exit(info: Omit<ExitInfo, 'stderrTail'>): void;
  onOutput: LaunchedProcess['onOutput'];
  onExit: LaunchedProcess['onExit'];
}

/** The output and exit bookkeeping of one job process, the same under child_process and Electron. */
export function createProcessOutput(): ProcessOutput {
  const tail = createTail();
  let sawV8Oom = false;
  let exitInfo: ExitInfo | null = null;
  const outputCbs: Array<(line: string, stream: 'stdout' | 'stderr') => void> = [];
  const exitCbs: Array<(info: ExitInfo) => void> = [];
  const splitOut = lineSplitter((l) => outputCbs.forEach((cb) => cb(l, 'stdout')));
  const splitErr = lineSplitter((l) => outputCbs.forEach((cb) => cb(l, 'stderr')));
  return {
    stdout: (text) => splitOut.push(text),
    stderr(text) {
      if (text.includes(V8_OOM_MARKER)) sawV8Oom = true;
      tail.push(text);
      splitErr.push(text);
    },
    note: (text) => tail.push(text),
    get sawV8Oom() {
      return sawV8Oom;
    },
    get exitInfo() {
      return exitInfo;
    },
    exit(info) {
      if (exitInfo) return;
      splitOut.end();
      splitErr.end();
      const done: ExitInfo = { ...info, stderrTail: tail.text() };
      exitInfo = done;
      for (const cb of exitCbs) cb(done);
    },
    onOutput(cb) {
      outputCbs.push(cb);
    },
    onExit(cb) {
      if (exitInfo) cb(exitInfo);
      else exitCbs.push(cb);
    },
  };
}
