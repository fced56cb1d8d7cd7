import { describe, expect, it } from 'vitest';
import { evaluateMany } from '../../../core/features/engine/feature-pool.ts';
import { evaluateInstrument } from '../../../core/features/engine/feature-set-compiler.ts';
import { compileFeatureSet, loadBuiltinManifest } from '../../../core/features/sets/feature-set-manifest.ts';

function instrument(seed: number, length: number) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  let price = 20 + seed;
  const cols = { open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[], vwap: [] as number[] };
  for (let i = 0; i < length; i++) {
    price *= 1 + (rand() - 0.5) * 0.04;
    const missing = i > 0 && rand() < 0.03;
    const v = (x: number) => (missing ? NaN : x);
    cols.open.push(v(price * 0.995));
    cols.high.push(v(price * 1.01));
    cols.low.push(v(price * 0.985));
    cols.close.push(v(price));
    cols.volume.push(v(Math.round(1000 + rand() * 5000)));
    cols.vwap.push(v(price * 0.999));
  }
  return { length, fields: Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, Float32Array.from(c)])) };
}

describe('evaluateMany', () => {
  it.each([false, true])('gives, in input order and on worker threads, exactly what evaluateInstrument gives (warm start %s)', async (warmStart) => {
    const compiled = compileFeatureSet(loadBuiltinManifest('alpha158'), { labels: true });
    const lengths = [3, 80, 1, 130, 65, 200, 2, 90, 61, 120, 33, 70];
    const expected = lengths.map((n, i) => evaluateInstrument(compiled, instrument(i + 1, n)));
    const seen: number[] = [];
    // inputs are transferred to the workers, so each call gets fresh ones
    for await (const { key, output } of evaluateMany(compiled, lengths.map((n, i) => ({ key: i, input: instrument(i + 1, n) })), { threads: 2, warmStart })) {
      seen.push(key);
      expect(output.lo).toBe(expected[key]!.lo);
      expect(output.hi).toBe(expected[key]!.hi);
      output.columns.forEach((c, k) => expect(Buffer.from(c.buffer).equals(Buffer.from(expected[key]!.columns[k]!.buffer)), compiled.names[k]).toBe(true));
    }
    expect(seen).toEqual(lengths.map((_, i) => i));
  });

  it('copies columns that are views into a larger buffer instead of moving them', async () => {
    const compiled = compileFeatureSet(loadBuiltinManifest('daily'));
    const shared = new Float32Array(4 * 50).map((_, i) => 10 + (i % 50) * 0.1);
    const view = (k: number) => shared.subarray(k * 50, (k + 1) * 50);
    const inputs = Array.from({ length: 40 }, (_, i) => ({ key: i, input: { length: 50, fields: { high: view(0), low: view(1), close: view(2), volume: view(3) } } }));
    let n = 0;
    for await (const { output } of evaluateMany(compiled, inputs, { threads: 2, warmStart: false })) {
      expect(output.columns[1]![3]).toBe(Math.fround((Math.fround(10.3) - Math.fround(10.3)) / Math.fround(10.3)));
      n++;
    }
    expect(n).toBe(40);
    expect(shared.length).toBe(200); // still attached
    expect(shared[199]).toBe(Math.fround(10 + 49 * 0.1));
  });
});
