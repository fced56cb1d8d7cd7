import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  diskSpace,
  formatMemoryLimit,
  isAppleSilicon,
  parseMemoryLimit,
  processingMode,
  profileSystem,
  recommendConcurrency,
  resolveConcurrency,
} from '../../../core/system/system-profile.ts';

const GiB = 2 ** 30;

describe('system profile', () => {
  it('chooses the mode by memory: streaming under 32 GiB, batch to 64, parallel above', () => {
    expect(processingMode(16 * GiB)).toBe('streaming');
    expect(processingMode(31.9 * GiB)).toBe('streaming');
    expect(processingMode(32 * GiB)).toBe('batch');
    expect(processingMode(64 * GiB)).toBe('batch');
    expect(processingMode(96 * GiB)).toBe('parallel');
  });

  it('recommends concurrency that fits the machine', () => {
    expect(recommendConcurrency(2, 24 * GiB)).toEqual({ downloads: 2, ingestWorkers: 1, duckdbThreads: 2, duckdbMemoryLimit: '6GiB' });
    expect(recommendConcurrency(10, 48 * GiB)).toEqual({ downloads: 4, ingestWorkers: 2, duckdbThreads: 5, duckdbMemoryLimit: '7GiB' });
    expect(recommendConcurrency(16, 128 * GiB)).toEqual({ downloads: 6, ingestWorkers: 4, duckdbThreads: 4, duckdbMemoryLimit: '12GiB' });
    // Few cores cap ingest workers whatever the memory.
    expect(recommendConcurrency(2, 128 * GiB).ingestWorkers).toBe(1);
    expect(recommendConcurrency(1, 2 * GiB)).toMatchObject({ ingestWorkers: 1, duckdbThreads: 1, duckdbMemoryLimit: '512MiB' });
  });

  it('lets user settings win over the recommendation', () => {
    const profile = { recommended: recommendConcurrency(8, 16 * GiB) };
    const r = resolveConcurrency({ concurrency: { downloads: 7, ingestWorkers: null, duckdbThreads: null, duckdbMemoryLimit: '1GB' } }, profile);
    expect(r).toMatchObject({ downloads: 7, ingestWorkers: 1, duckdbThreads: 8, duckdbMemoryLimit: '1GB' });
    expect(r.from).toEqual({ downloads: 'settings', ingestWorkers: 'profile', duckdbThreads: 'profile', duckdbMemoryLimit: 'settings' });
  });

  it('parses and formats DuckDB sizes', () => {
    expect(parseMemoryLimit('2GB')).toBe(2e9);
    expect(parseMemoryLimit('1.5GiB')).toBe(1.5 * GiB);
    expect(parseMemoryLimit('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseMemoryLimit('lots')).toBeNull();
    expect(formatMemoryLimit(6.4 * GiB)).toBe('6GiB');
    expect(formatMemoryLimit(700 * 2 ** 20)).toBe('700MiB');
  });

  it('recognises Apple Silicon, also under Rosetta', () => {
    expect(isAppleSilicon('darwin', 'arm64', 'Apple M2 Pro')).toBe(true);
    expect(isAppleSilicon('darwin', 'x64', 'Apple M1')).toBe(true);
    expect(isAppleSilicon('darwin', 'x64', 'Intel(R) Core(TM) i9')).toBe(false);
    expect(isAppleSilicon('linux', 'arm64', 'Neoverse')).toBe(false);
  });

  it('measures free disk at the nearest existing parent of a lake that does not exist yet', async () => {
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-disk-'));
    try {
      const d = await diskSpace(path.join(tmp, 'not', 'yet', 'a', 'lake'));
      expect(d?.path).toBe(tmp);
      expect(d!.freeBytes).toBeGreaterThan(0);
      expect(d!.totalBytes).toBeGreaterThanOrEqual(d!.freeBytes);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true });
    }
  });

  it('profiles this machine with an injected memory source', async () => {
    const p = await profileSystem(os.tmpdir(), { system: async () => ({ totalBytes: 48 * GiB, availableBytes: 20 * GiB }), processRss: async () => new Map() });
    expect(p).toMatchObject({ cores: os.availableParallelism(), totalMemoryBytes: 48 * GiB, availableMemoryBytes: 20 * GiB, mode: 'batch', platform: process.platform });
    expect(p.recommended).toEqual(recommendConcurrency(os.availableParallelism(), 48 * GiB));
  });
});
