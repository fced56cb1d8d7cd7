import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- bin/ is plain JavaScript outside the TypeScript project
import { cliBundleStaleReason as staleReasonJs } from '../../../bin/cli-bundle.js';
import { commandWordOf } from '../../../core/cli/commands/index.ts';
import { cliBundleDir, workerEntryFor } from '../../../core/process/bundled-entry.ts';

const staleReason = staleReasonJs as (dir: string) => string | null;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  delete globalThis.__quantminiBundleDir;
});

/** A bundle folder whose record lists one source file, built at `builtAtMs`. */
function bundleWith(builtAtMs: number): { dir: string; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-cli-bundle-'));
  dirs.push(dir);
  const source = path.join(dir, 'source.ts');
  fs.writeFileSync(source, 'export {};\n');
  fs.utimesSync(source, new Date(builtAtMs - 60_000), new Date(builtAtMs - 60_000));
  fs.writeFileSync(path.join(dir, '.meta.json'), JSON.stringify({ builtAtMs, inputs: [source] }));
  return { dir, source };
}

describe('CLI bundle freshness', () => {
  it('runs a bundle only when every source it was built from is older than the build', () => {
    const { dir, source } = bundleWith(Date.now());
    expect(staleReason(dir)).toBeNull();
    fs.utimesSync(source, new Date(), new Date(Date.now() + 5_000));
    expect(staleReason(dir)).toMatch(/source\.ts changed since the last build/);
    fs.rmSync(source);
    expect(staleReason(dir)).toMatch(/source\.ts was removed since the last build/);
  });

  it('refuses a folder without a finished build record', () => {
    const { dir } = bundleWith(Date.now());
    fs.writeFileSync(path.join(dir, '.meta.json'), '{"inputs": 3}');
    expect(staleReason(dir)).toMatch(/not a build record/);
    fs.rmSync(path.join(dir, '.meta.json'));
    expect(staleReason(dir)).toMatch(/holds no finished build/);
  });
});

describe('bundled workers', () => {
  it('start the TypeScript entry from source and the bundled one from the bundle', () => {
    expect(cliBundleDir()).toBeNull();
    expect(workerEntryFor('job-worker', '/src/job-worker.ts')).toBe('/src/job-worker.ts');
    globalThis.__quantminiBundleDir = '/app/dist/cli';
    expect(workerEntryFor('job-worker', '/src/job-worker.ts')).toBe(path.join('/app/dist/cli', 'job-worker.mjs'));
    expect(workerEntryFor('feature-worker', '')).toBe(path.join('/app/dist/cli', 'feature-worker.mjs'));
  });
});

describe('command word', () => {
  it('skips global options and their values', () => {
    expect(commandWordOf(['node', 'q', '--data-root', '/lake', '--source', 'demo', '--json', 'update', '--days-back', '2'])).toBe('update');
    expect(commandWordOf(['node', 'q', '--verbose', 'qlib', 'dump'])).toBe('qlib');
    expect(commandWordOf(['node', 'q', '--version'])).toBeNull();
    expect(commandWordOf(['node', 'q', '--', 'update'])).toBeNull();
  });
});
