import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarIndices, KeyUnion, sortedUniqueKeys } from '../../../core/layers/gold/csv-dump-calendar.ts';
import { dumpCsvToGold } from '../../../core/layers/gold/csv-gold-dump.ts';
import { treeDiff } from './qlib-dir-compare.ts';

const TRICKY = path.resolve('test/fixtures/qlib-tricky');
const MINUTE = path.resolve('test/fixtures/qlib-minute');
let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-csv-dump-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** A deterministic pseudo-random sequence (no Math.random in tests). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('csv dump calendar', () => {
  it('sortedUniqueKeys returns a date-ordered file as it is, and sorts and dedupes any other', () => {
    const ordered = Float64Array.of(1, 2, 5, 9);
    expect(sortedUniqueKeys(ordered)).toBe(ordered);
    expect([...sortedUniqueKeys(Float64Array.of(5, 1, 5, 2, 1))]).toEqual([1, 2, 5]);
    expect([...sortedUniqueKeys(Float64Array.of(3, 3))]).toEqual([3]);
    expect([...sortedUniqueKeys(new Float64Array(0))]).toEqual([]);
  });

  it('KeyUnion gives the sorted union of many files, whatever order they add keys in', () => {
    const rnd = lcg(7);
    const all = new Set<number>();
    const union = new KeyUnion();
    for (let f = 0; f < 300; f++) {
      // Overlapping ranges with gaps, some files adding keys before, between and after the union's.
      const start = Math.floor(rnd() * 5000);
      const keys: number[] = [];
      for (let k = start; k < start + 400; k += 1 + Math.floor(rnd() * 3)) keys.push(k * 60);
      for (const k of keys) all.add(k);
      union.add(sortedUniqueKeys(Float64Array.from(keys)));
    }
    expect([...union.keys()]).toEqual([...all].sort((a, b) => a - b));
  });

  it('calendarIndices maps rows in any order to calendar positions and says when they strictly increase', () => {
    const calendar = Float64Array.of(10, 20, 30, 40, 50);
    const out = new Int32Array(3);
    expect(calendarIndices(calendar, Float64Array.of(20, 40, 50), out)).toBe(true);
    expect([...out]).toEqual([1, 3, 4]);
    expect(calendarIndices(calendar, Float64Array.of(50, 10, 10), out)).toBe(false);
    expect([...out]).toEqual([4, 0, 0]);
  });
});

describe('dumpCsvToGold', () => {
  it('writes the same bytes whether pass one keeps the tables or every file is parsed twice', async () => {
    const cases = [
      { dir: TRICKY, opts: { freq: 'day', dateField: 'date' } },
      { dir: MINUTE, opts: { freq: '1min', dateField: 'date' } },
    ];
    for (const [n, { dir, opts }] of cases.entries()) {
      for (const keepBytes of [undefined, 0]) {
        const out = path.join(home, `out-${n}-${keepBytes ?? 'kept'}`);
        await dumpCsvToGold(path.join(dir, 'csv'), out, { ...opts, threads: 0, keepBytes });
        expect(treeDiff(path.join(dir, 'qlib'), out)).toEqual([]);
      }
    }
  });
});
