import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLakeLock, lakeLockHolder, LakeLockedError } from '../../../core/runtime/lake-lock.ts';

let root: string;
beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-lock-'));
});
afterEach(async () => {
  await fs.promises.rm(root, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function writeLock(owner: object): void {
  fs.writeFileSync(path.join(root, '.lock'), JSON.stringify(owner));
}

describe('lake lock', () => {
  it('holds the owner in <root>/.lock and releases it', async () => {
    const lock = await acquireLakeLock(root, { command: 'quantmini update' });
    const held = JSON.parse(fs.readFileSync(path.join(root, '.lock'), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'quantmini update' });
    expect(lakeLockHolder(root)?.pid).toBe(process.pid);
    await lock.setRunId('2026-11-21T22-10-05Z-ab12');
    expect(JSON.parse(fs.readFileSync(path.join(root, '.lock'), 'utf8')).runId).toBe('2026-11-21T22-10-05Z-ab12');
    await lock.release();
    expect(fs.existsSync(path.join(root, '.lock'))).toBe(false);
  });

  it('refuses a second updater with a message naming the holder', async () => {
    // A live process that is not us: our parent (the test runner's worker host).
    writeLock({ pid: process.ppid, host: os.hostname(), command: 'quantmini update --days-back 5', startedAt: '2026-11-21T22:01:03.000Z' });
    const err = await acquireLakeLock(root, { command: 'quantmini update' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LakeLockedError);
    const msg = (err as Error).message;
    expect(msg).toContain(`lake ${root} is being updated by pid ${process.ppid}`);
    expect(msg).toContain('quantmini update --days-back 5');
    expect(msg).toMatch(/started \d\d:\d\d:\d\d\); wait for it or stop it$/);
    expect(JSON.parse(fs.readFileSync(path.join(root, '.lock'), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a stale lock from a dead pid and sweeps .tmp', async () => {
    const dead = deadPid();
    writeLock({ pid: dead, host: os.hostname(), command: 'quantmini update', startedAt: new Date().toISOString() });
    fs.mkdirSync(path.join(root, '.tmp'));
    fs.writeFileSync(path.join(root, '.tmp', `x.csv.gz.${dead}-abc.partial`), 'half a file');
    const stale: number[] = [];
    const lock = await acquireLakeLock(root, { command: 'quantmini update', onTakeover: (o) => stale.push(o.pid) });
    expect(stale).toEqual([dead]);
    expect(lock.tookOverFrom?.pid).toBe(dead);
    expect(lock.sweptTempFiles).toBe(1);
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(root, '.lock'), 'utf8')).pid).toBe(process.pid);
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.lock'))).toEqual(['.lock']);
    await lock.release();
  });

  it('leaves the temp entries of live processes (the SQL engine spill folder) when it sweeps', async () => {
    fs.mkdirSync(path.join(root, '.tmp', `duckdb-sql.${process.ppid}-ab12.partial`), { recursive: true });
    fs.writeFileSync(path.join(root, '.tmp', `y.parquet.${deadPid()}-cd34.partial`), 'left by a dead job');
    const lock = await acquireLakeLock(root, { command: 'quantmini update' });
    expect(lock.sweptTempFiles).toBe(1);
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([`duckdb-sql.${process.ppid}-ab12.partial`]);
    await lock.release();
  });

  it('does not judge a lock from another host stale', async () => {
    writeLock({ pid: deadPid(), host: 'some-other-host', command: 'quantmini update', startedAt: new Date().toISOString() });
    await expect(acquireLakeLock(root, { command: 'x' })).rejects.toThrow(/on host some-other-host/);
  });

  it('lets exactly one of several racing acquirers win', async () => {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => acquireLakeLock(root, { command: 'x' })));
    // Same process, so all see a "live" owner: exactly one O_EXCL create succeeds.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });

  it('does not remove a lock that someone else took over', async () => {
    const lock = await acquireLakeLock(root, { command: 'x' });
    writeLock({ pid: process.ppid, host: os.hostname(), command: 'other', startedAt: new Date().toISOString() });
    await lock.release();
    expect(fs.existsSync(path.join(root, '.lock'))).toBe(true);
  });
});
