import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererStaleReason, withBuildLock } from '../../../core/web-host/renderer-build.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-rbuild-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes a file with a given mtime; its new folders get the same mtime (adding a file changes a folder's). */
const touch = (rel: string, mtimeSec: number) => {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, rel);
  for (let p = file; p.startsWith(root) && p !== root; p = path.dirname(p)) fs.utimesSync(p, mtimeSec, mtimeSec);
};

describe('renderer staleness', () => {
  it('is stale when the build is missing, current after a build, stale again when a source changes', () => {
    touch('renderer/main.tsx', 1000);
    touch('core/contract/contract.ts', 1000);
    expect(rendererStaleReason(root)).toMatch(/missing/);
    touch('dist/renderer/index.html', 2000);
    expect(rendererStaleReason(root)).toBeNull();
    touch('core/contract/contract.ts', 3000);
    expect(rendererStaleReason(root)).toMatch(/changed/);
    touch('dist/renderer/index.html', 4000);
    expect(rendererStaleReason(root)).toBeNull();
    touch('renderer/pages/today/today-page.tsx', 5000);
    expect(rendererStaleReason(root)).toMatch(/changed/);
  });
});

describe('renderer build lock', () => {
  it('runs one holder at a time and takes over a lock whose owner is dead', async () => {
    const lockRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-rlock-'));
    try {
      const order: string[] = [];
      const a = withBuildLock(lockRoot, async () => {
        order.push('a-start');
        await new Promise((r) => setTimeout(r, 300));
        order.push('a-end');
      });
      await new Promise((r) => setTimeout(r, 50));
      await withBuildLock(lockRoot, async () => order.push('b'));
      await a;
      expect(order).toEqual(['a-start', 'a-end', 'b']);

      // A lock left by a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
      const lock = path.join(lockRoot, 'dist', '.renderer-build.lock');
      fs.mkdirSync(lock, { recursive: true });
      fs.writeFileSync(path.join(lock, 'pid'), String(4_194_305));
      let ran = false;
      await withBuildLock(lockRoot, async () => (ran = true));
      expect(ran).toBe(true);
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      fs.rmSync(lockRoot, { recursive: true, force: true });
    }
  });
});
