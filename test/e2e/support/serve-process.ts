/**
 * Starts `quantmini serve` on a temporary demo lake as a child process (exactly what a user runs),
 * reads the URL from its JSON line, and stops it with SIGTERM like Ctrl-C would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A temporary demo lake and the user config the app saves settings to. */
export interface DemoLake {
  dir: string;
  lakeRoot: string;
  configFile: string;
  /** Global CLI flags that point quantmini at this lake and config. */
  flags: string[];
  /** Environment the child processes get on top of this process's (e.g. a temporary HOME). */
  env?: Record<string, string>;
  cleanup(): void;
}

/** Creates the folder, a small demo universe and fast concurrency for the tests. */
export function createDemoLake(name: string, extraYaml = ''): DemoLake {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qm-e2e-${name}-`));
  const lakeRoot = path.join(dir, 'lake');
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    configFile,
    ['# e2e: a small universe so a month builds in well under a minute', 'demo:', '  tickers: 20', 'datasets:', '  enabled: [stocks_daily, options_daily]', extraYaml].join('\n'),
  );
  return {
    dir,
    lakeRoot,
    configFile,
    flags: ['--data-root', lakeRoot, '--source', 'demo', '--config', configFile],
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const BIN = path.resolve('bin', 'quantmini.js');

/** Runs a quantmini command to completion (e.g. building the month of demo data). */
export function runQuantmini(lake: DemoLake, args: string[], timeoutMs = 240_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...lake.flags, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...lake.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`quantmini ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running web host. */
export interface ServeHandle {
  url: string;
  origin: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `quantmini serve --port 0 --json` and resolves once it printed its URL. */
export function startServe(lake: DemoLake, timeoutMs = 180_000): Promise<ServeHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...lake.flags, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...lake.env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`quantmini serve did not print its URL in time\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`quantmini serve exited early (${code})\n${stderr}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      child.removeAllListeners('exit');
      resolve({
        url,
        origin: new URL(url).origin,
        child,
        stderr: () => stderr,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', (code) => {
              clearTimeout(kill);
              done(code);
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
