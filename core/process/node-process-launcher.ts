import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createProcessOutput, workerEnv, type ExitReason, type LaunchedProcess, type LaunchSpec, type ProcessLauncher } from './process-launcher.ts';

/**
 * tsx's loader as an absolute file URL. A bare `--import tsx` would be resolved from the child's
 * working directory, which is wherever the user ran `quantmini`, not this checkout.
 */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * Linux counts kernel OOM kills in /proc/vmstat. A SIGKILL is otherwise indistinguishable from
 * `kill -9` by a person, so a rise in the counter while the job ran is the best evidence we have.
 */
function oomKillCount(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const m = /^oom_kill (\d+)$/m.exec(fs.readFileSync('/proc/vmstat', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Classifies an exit from its code, signal, stderr and whether we asked for it. */
export function classifyExit(
  code: number | null,
  signal: string | null,
  opts: { sawV8Oom: boolean; killedByUs: boolean; kernelOomKill: boolean },
): ExitReason {
  // V8 aborts (SIGABRT, or exit 134 through a shell) after printing the heap-OOM marker.
  if (opts.sawV8Oom && (signal === 'SIGABRT' || code === 134)) return 'oom';
  if (signal === 'SIGKILL' && !opts.killedByUs && opts.kernelOomKill) return 'oom';
  if (signal) return 'killed';
  return code === 0 ? 'clean' : 'crashed';
}

export interface NodeLauncherOptions {
  /** Extra node flags for every job process. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A launcher on child_process.fork: one Node process per job, IPC for messages. */
export function createNodeProcessLauncher(options: NodeLauncherOptions = {}): ProcessLauncher {
  return {
    launch(spec: LaunchSpec): LaunchedProcess {
      const execArgv = [...(options.execArgv ?? [])];
      if (/\.(c|m)?ts$/.test(spec.entry)) execArgv.push('--import', tsxLoaderUrl());
      if (spec.maxHeapMb) execArgv.push(`--max-old-space-size=${spec.maxHeapMb}`);
      const oomBefore = oomKillCount();
      const child = fork(spec.entry, [], {
        execArgv,
        env: { ...workerEnv(options.env ?? process.env), QUANTMINI_SERVICE_NAME: spec.serviceName },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Job specs carry Dates and Maps rarely, but structured clone also keeps undefined vs null honest.
        serialization: 'advanced',
      });
      const output = createProcessOutput();
      let killedByUs = false;
      child.stdout?.setEncoding('utf8').on('data', (d: string) => output.stdout(d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => output.stderr(d));
      const finish = (code: number | null, signal: string | null) => {
        if (output.exitInfo) return;
        const after = oomKillCount();
        const kernelOomKill = oomBefore !== null && after !== null && after > oomBefore;
        output.exit({ code, signal, reason: classifyExit(code, signal, { sawV8Oom: output.sawV8Oom, killedByUs, kernelOomKill }) });
      };
      // 'close' waits for stdio to drain, so the stderr tail is complete when we classify.
      child.on('close', (code, signal) => finish(code, signal));
      child.on('error', (err) => {
        output.note(`\n${err.message}`);
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) finish(null, null);
      });
      return {
        get pid() {
          return child.pid;
        },
        postMessage(message) {
          if (child.connected) child.send(message as never);
        },
        onMessage(cb) {
          child.on('message', (m) => cb(m));
        },
        onExit: output.onExit,
        onOutput: output.onOutput,
        kill(signal = 'SIGTERM') {
          if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') killedByUs = true;
          try {
            return child.kill(signal);
          } catch {
            return false;
          }
        },
      };
    },
  };
}
