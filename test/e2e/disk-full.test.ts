/**
 * A full disk (hardening issue, item 5), on a real 40 MB tmpfs filled to about 1 MB free:
 * `update` of a minute dataset exits 1 with "disk full" naming the volume, the web host on the same
 * lake stays up and shows the failed run with that reason, nothing partial is visible, and after
 * space is freed `update` repairs the lake. Mounting a tmpfs needs root (the CI machine runs as
 * root); elsewhere the test says why it cannot run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../core/calendar/index.ts';
import { lakePaths } from '../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../core/lake/partition-records.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { connectToWebHost } from '../support/ws-client.ts';
import { startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

const DATE = '2024-03-08';
let mount: string | null = null;
let why = '';
let home: string;
let lake: DemoLake;
let serve: ServeHandle | null = null;

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

beforeAll(async () => {
  home = tempDir('qm-full-home-');
  const dir = tempDir('qm-full-mnt-');
  try {
    if (process.getuid?.() !== 0) throw new Error('mounting a tmpfs needs root');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', dir]);
    mount = dir;
  } catch (err) {
    why = (err as Error).message;
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const configFile = path.join(home, 'config.yaml');
  // No spare margin: the run must start and meet the full disk, not be refused by the room check before it.
  fs.writeFileSync(configFile, 'retry:\n  maxAttempts: 3\n  baseDelayMs: 50\n  maxDelayMs: 200\nstorage:\n  marginGiB: 0\n');
  const lakeRoot = path.join(mount, 'lake');
  lake = { dir: home, lakeRoot, configFile, flags: ['--data-root', lakeRoot, '--source', 'demo', '--config', configFile], cleanup: () => undefined };
  serve = await startServe(lake);
}, 300_000);

afterAll(async () => {
  await serve?.stop();
  if (mount) {
    execFileSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  }
  fs.rmSync(home, { recursive: true, force: true });
});

describe('a full disk', () => {
  it('fails the update with "disk full" naming the volume, keeps the web host up, and is repaired once space is freed', async (ctx) => {
    if (!mount) ctx.skip(`no tmpfs to fill here: ${why}`);
    const volume = mount!;
    const filler = path.join(volume, 'filler.bin');
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(volume) - 1024 * 1024)));
    expect(freeBytes(volume)).toBeLessThan(1.5 * 1024 * 1024);

    const args = [...lake.flags, 'update', '--date', DATE, '--days-back', '5', '--datasets', 'stocks_minute'];
    const failed = await runCli(args, { home, timeoutMs: 240_000 });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`disk full on ${volume.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Nothing partial is visible: every bronze file that exists is whole and recorded.
    for (const date of tradingDays('2024-03-04', DATE)) {
      const file = lakePaths(lake.lakeRoot).bronzeFile('stocks_minute', date);
      if (fs.existsSync(file)) expect((await readPartitionRecord(lake.lakeRoot, 'bronze', 'stocks_minute', date))?.bytes).toBe(fs.statSync(file).size);
    }
    const visible = fs.readdirSync(lake.lakeRoot, { recursive: true }).map(String).filter((n) => !n.startsWith('.tmp'));
    expect(visible.filter((n) => n.includes('.partial'))).toEqual([]);

    // The web host is still up and shows the failed run with its reason.
    expect(serve!.child.exitCode).toBeNull();
    const client = await connectToWebHost(serve!.url);
    try {
      const listed = await client.call('runs.list', { limit: 5 });
      expect(listed.result.ok).toBe(true);
      const runs = (listed.result as { ok: true; value: Array<{ outcome: string; error: string | null }> }).value;
      expect(runs[0]).toMatchObject({ outcome: 'failed', error: expect.stringContaining(`disk full on ${volume}`) });
    } finally {
      client.close();
    }

    fs.rmSync(filler);
    const repaired = await runCli(args, { home, timeoutMs: 240_000 });
    expect(repaired.code, repaired.stderr).toBe(0);
    for (const date of tradingDays('2024-03-04', DATE)) {
      expect((await readPartitionRecord(lake.lakeRoot, 'bronze', 'stocks_minute', date))?.status).toBe('complete');
    }
  }, 600_000);
});
