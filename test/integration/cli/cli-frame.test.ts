import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/quantmini.js');
let home: string;

/** Runs the real CLI in a child process with an isolated HOME/XDG so the developer's files never leak in. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg'), ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-cli-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('quantmini CLI frame', () => {
  it('prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists 2025 trading days, closures and early closes as JSON only', () => {
    const r = cli(['calendar', '--from', '2025-01-01', '--to', '2025-12-31', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { tradingDays: string[]; holidays: Array<{ date: string; name: string }>; earlyCloses: Array<{ date: string; closeEt: string }> };
    expect(out.tradingDays).toHaveLength(250);
    expect(out.tradingDays[0]).toBe('2025-01-02');
    expect(out.holidays.map((h) => h.date)).toEqual([
      '2025-01-01', '2025-01-09', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26',
      '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25',
    ]);
    expect(out.holidays[0]).toEqual({ date: '2025-01-01', name: "New Year's Day" });
    expect(out.earlyCloses).toEqual([
      { date: '2025-07-03', closeEt: '13:00' },
      { date: '2025-11-28', closeEt: '13:00' },
      { date: '2025-12-24', closeEt: '13:00' },
    ]);
  });

  it('shows the effective configuration with sources and secrets as ***', () => {
    const r = cli(['config', 'show', '--json'], { MASSIVE_API_KEY: 'my-real-key-42', MASSIVE_S3_SECRET_ACCESS_KEY: 'my-s3-secret-42' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('my-real-key-42');
    expect(r.stdout).not.toContain('my-s3-secret-42');
    const out = JSON.parse(r.stdout) as { settings: { massive: { apiKey: string; s3: { secretAccessKey: string; accessKeyId: null } } }; sources: Record<string, string> };
    expect(out.settings.massive.apiKey).toBe('***');
    expect(out.settings.massive.s3.secretAccessKey).toBe('***');
    expect(out.settings.massive.s3.accessKeyId).toBeNull();
    expect(out.sources['massive.apiKey']).toBe('env MASSIVE_API_KEY');
    expect(out.sources['massive.s3.bucket']).toBe('default');
  });

  it('fails with one line naming the key and the file for a bad user-file value', () => {
    const file = path.join(home, 'xdg', 'quantmini', 'config.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'memory:\n  warningPercent: 250\n');
    try {
      const r = cli(['config', 'show']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([
        `quantmini: error: invalid config key "memory.warningPercent" (from user file ${file}): must be at most 100`,
      ]);
    } finally {
      fs.rmSync(file);
    }
  });

  it('rejects bad arguments with a clear line and a non-zero exit', () => {
    const r = cli(['calendar', '--from', '2025-02-30', '--to', '2025-03-01']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"2025-02-30" is not a date as YYYY-MM-DD/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('creates a user file with config init and refuses to overwrite it', () => {
    const file = path.join(home, 'init', 'config.yaml');
    const first = cli(['--config', file, 'config', 'init']);
    expect(first.code, first.stderr).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(cli(['--config', file, 'config', 'path']).stdout.trim()).toBe(file);
    const again = cli(['--config', file, 'config', 'init']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });
});
