import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- bin/ is plain JavaScript outside the TypeScript project
import { cliBundleStaleReason } from '../../../bin/cli-bundle.js';
import { runCli } from '../../support/cli.ts';

const staleReason = cliBundleStaleReason as () => string | null;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-cli-bundle-home-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
const version = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('quantmini from its bundle and from source', () => {
  it('prints the same version either way, and says when it runs from source', async () => {
    const sourceRun = await runCli(['--verbose', '--version'], { home, env: { QUANTMINI_FROM_SOURCE: '1' } });
    expect(sourceRun.code).toBe(0);
    expect(sourceRun.stdout.trim()).toBe(version);
    expect(sourceRun.stderr).toContain('running from source (QUANTMINI_FROM_SOURCE=1)');
    const stale = staleReason();
    const bundled = await runCli(['--verbose', '--version'], { home, env: { QUANTMINI_FROM_SOURCE: '' } });
    expect(bundled.code).toBe(0);
    expect(bundled.stdout.trim()).toBe(version);
    // The suite's globalSetup built the bundle; only a source edited since then sends the CLI to tsx.
    expect(bundled.stderr).toBe(stale === null ? '' : `quantmini: running from source (${stale})\n`);
  });

  it('runs a command that lives in its own module (calendar) and lists every command in help', async () => {
    const cal = await runCli(['--json', 'calendar', '--from', '2024-07-01', '--to', '2024-07-05'], { home });
    expect(cal.code).toBe(0);
    expect(JSON.stringify(JSON.parse(cal.stdout))).toContain('2024-07-03');
    const help = await runCli(['--help'], { home });
    for (const name of ['update', 'backfill', 'qlib', 'features', 'serve', 'schedule']) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
