import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root and the CLI entry, as a new user runs it. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'quantmini.js');

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of runCli: the user's home (its config folder stays empty unless a test writes one), cwd, extra env. */
export interface CliOptions {
  home: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as another user (root only), e.g. to meet a lake this user cannot write. */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/** Runs `quantmini ...args` in a child process with a clean environment (no credentials, no user config; state under the temp home). */
export function runCli(args: readonly string[], opts: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, XDG_CONFIG_HOME: path.join(opts.home, '.config'), ...opts.env };
    for (const k of ['QUANTMINI_CONFIG', 'QUANTMINI_PROFILE', 'QUANTMINI_STATE_DIR', 'QUANTMINI_DATA_ROOT', 'MASSIVE_S3_ACCESS_KEY_ID', 'MASSIVE_S3_SECRET_ACCESS_KEY', 'MASSIVE_API_KEY', 'POLYGON_API_KEY']) {
      if (!opts.env || !(k in opts.env)) delete env[k];
    }
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A fresh temporary folder (remove it in afterAll). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** sha256 of every file under `root` by relative path, skipping the folders named in `skip`: "nothing changed" checks. */
export function hashTree(root: string, skip: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (skip.some((s) => r === s || r.startsWith(`${s}${path.sep}`))) continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.set(r, crypto.createHash('sha256').update(fs.readFileSync(path.join(root, r))).digest('hex'));
    }
  };
  walk('');
  return out;
}
