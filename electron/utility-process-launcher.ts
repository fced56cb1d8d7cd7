import { app, utilityProcess, type Details } from 'electron';
// process-launcher.ts is dependency-free (types plus small helpers); importing it keeps the
// secret-stripping environment and the output and OOM-marker handling identical under both launchers.
import { createProcessOutput, workerEnv, type ExitReason, type LaunchedProcess, type LaunchSpec, type ProcessLauncher } from '../core/process/process-launcher.ts';

/** How long to wait after `exit` for Electron's `child-process-gone`, which carries the real reason. */
const GONE_WAIT_MS = 250;

/** Maps Electron's crash reasons onto the supervisor's. */
export function reasonFromGone(reason: Details['reason']): ExitReason {
  switch (reason) {
    case 'clean-exit':
      return 'clean';
    case 'oom':
    case 'memory-eviction':
      return 'oom';
    case 'killed':
      return 'killed';
    default:
      return 'crashed';
  }
}

/** A launcher plus the app-level listener it installed (removed by dispose). */
export interface UtilityProcessLauncher extends ProcessLauncher {
  dispose(): void;
}

/**
 * Job processes as Electron utility processes (Chromium's service processes running Node): one
 * per job, named by `serviceName`, so `app.getAppMetrics()` shows each job and
 * `child-process-gone` tells an OOM from a crash, which `exit` (a bare code) cannot.
 * `entry` must be bundled JavaScript: utility processes do not run TypeScript.
 */
export function createUtilityProcessLauncher(options: { execArgv?: string[] } = {}): UtilityProcessLauncher {
  const waiting = new Map<string, (d: Details) => void>();
  // Reports that arrive before the matching `exit`, by process name, with their arrival time.
  const early = new Map<string, { details: Details; at: number }>();
  const onGone = (_event: unknown, details: Details) => {
    if (details.type !== 'Utility') return;
    // ForkOptions.serviceName is reported as `name`; `serviceName` is Chromium's service id, but
    // match either so a change in which field Electron fills does not lose crash reasons.
    const names = [details.name, details.serviceName].filter((n): n is string => Boolean(n));
    for (const n of names) {
      const cb = waiting.get(n);
      if (cb) return cb(details);
    }
    const now = Date.now();
    for (const [k, v] of early) if (now - v.at > 10_000) early.delete(k);
    for (const n of names) early.set(n, { details, at: now });
  };
  app.on('child-process-gone', onGone);

  return {
    dispose() {
      app.off('child-process-gone', onGone);
    },
    launch(spec: LaunchSpec): LaunchedProcess {
      const execArgv = [...(options.execArgv ?? [])];
      if (spec.maxHeapMb) execArgv.push(`--max-old-space-size=${spec.maxHeapMb}`);
      const child = utilityProcess.fork(spec.entry, [], {
        serviceName: spec.serviceName,
        stdio: 'pipe',
        execArgv,
        env: { ...workerEnv(process.env), QUANTMINI_SERVICE_NAME: spec.serviceName } as Record<string, string>,
      });
      const output = createProcessOutput();
      let killedByUs: string | null = null;
      child.stdout?.on('data', (d: Buffer | string) => output.stdout(String(d)));
      child.stderr?.on('data', (d: Buffer | string) => output.stderr(String(d)));

      const report = (code: number, gone: Details | null) => {
        if (output.exitInfo) return;
        waiting.delete(spec.serviceName);
        let reason: ExitReason;
        if (gone) reason = reasonFromGone(gone.reason);
        else if (output.sawV8Oom) reason = 'oom';
        else if (killedByUs) reason = 'killed';
        else reason = code === 0 ? 'clean' : 'crashed';
        if (reason === 'crashed' && output.sawV8Oom) reason = 'oom';
        output.exit({ code, signal: killedByUs, reason });
      };

      child.on('exit', (code: number) => {
        const already = early.get(spec.serviceName);
        if (already) {
          early.delete(spec.serviceName);
          return report(code, already.details);
        }
        if (code === 0) return report(code, null);
        // Electron emits child-process-gone around the same time as exit, in no promised order.
        const timer = setTimeout(() => report(code, null), GONE_WAIT_MS);
        waiting.set(spec.serviceName, (d) => {
          clearTimeout(timer);
          report(code, d);
        });
      });

      return {
        get pid() {
          return child.pid;
        },
        postMessage(message) {
          if (!output.exitInfo) child.postMessage(message);
        },
        onMessage(cb) {
          child.on('message', (m: unknown) => cb(m));
        },
        onExit: output.onExit,
        onOutput: output.onOutput,
        kill(signal) {
          // utilityProcess.kill() takes no signal; pausing (SIGSTOP/SIGCONT) and SIGKILL go to the pid.
          if (signal && signal !== 'SIGTERM' && child.pid !== undefined) {
            if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') killedByUs = signal;
            try {
              process.kill(child.pid, signal);
              return true;
            } catch {
              return false;
            }
          }
          killedByUs = 'SIGTERM';
          return child.kill();
        },
      };
    },
  };
}
