import { describe, expect, it } from 'vitest';
import type { SymbolBarView } from '../../../core/contract/contract-views.ts';
import {
  dateTickIndices, downsamplePoints, overlaySeries, paddedExtent, priceSeries, volumeSeries,
} from '../../../renderer/lib/symbol-chart-series.ts';
import { minMaxIndices } from '../../../renderer/lib/series-downsample.ts';

/** A random walk of `n` days with a 2-for-1 split on day `splitAt` (raw halves, adjusted does not). */
function bars(n: number, splitAt = -1): SymbolBarView[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out: SymbolBarView[] = [];
  let adj = 100;
  for (let i = 0; i < n; i++) {
    adj *= 1 + (rand() - 0.5) * 0.04;
    const day = new Date(Date.UTC(2006, 0, 2) + i * 86_400_000).toISOString().slice(0, 10);
    out.push({ date: day, close: splitAt >= 0 && i < splitAt ? adj * 2 : adj, adjClose: adj, volume: 1000 + Math.floor(rand() * 9000) });
  }
  return out;
}

/** Per pixel column (column c holds days floor(c n / columns) up to the next column's first), the lowest and highest y drawn. */
function columnExtremes(points: ReadonlyArray<{ x: number; y: number | null }>, n: number, columns: number): Array<[number, number]> {
  const columnOf = new Int32Array(n);
  for (let c = 0; c < columns; c++) columnOf.fill(c, Math.floor((c * n) / columns), Math.floor(((c + 1) * n) / columns));
  const out: Array<[number, number]> = Array.from({ length: columns }, () => [Infinity, -Infinity]);
  for (const p of points) {
    if (p.y === null) continue;
    const c = columnOf[p.x]!;
    out[c] = [Math.min(out[c]![0], p.y), Math.max(out[c]![1], p.y)];
  }
  return out;
}

describe('symbol chart series', () => {
  it('draws 20 years of days as the same picture: every pixel column keeps its low and high, the ends stay', () => {
    const all = bars(5040);
    const columns = 900;
    const line = priceSeries(all, 'adjusted', columns);
    expect(line.length).toBeLessThanOrEqual(columns * 4);
    expect(line[0]).toEqual({ x: 0, y: all[0]!.adjClose });
    expect(line.at(-1)).toEqual({ x: 5039, y: all[5039]!.adjClose });
    const every = all.map((b, i) => ({ x: i, y: b.adjClose }));
    expect(columnExtremes(line, all.length, columns)).toEqual(columnExtremes(every, all.length, columns));
  });

  it('keeps every point of a short series and marks a day without a close as a break', () => {
    const few = bars(5);
    few[2] = { ...few[2]!, close: Number.NaN };
    expect(priceSeries(few, 'raw', 900).map((p) => p.y === null)).toEqual([false, false, true, false, false]);
  });

  it('finds a column\'s extremes even when its first day has no value', () => {
    const values = new Float64Array(4000).fill(1);
    values[0] = Number.NaN;
    values[3] = 9;
    values[4] = -9;
    const kept = downsamplePoints(values, 100);
    expect(kept.slice(0, 4)).toEqual([{ x: 0, y: null }, { x: 3, y: 9 }, { x: 4, y: -9 }, { x: 39, y: 1 }]);
    expect(minMaxIndices(values, 100).slice(0, 4)).toEqual([0, 3, 4, 39]);
  });

  it('gives one volume bar per column, the largest of its days, at the column\'s centre', () => {
    const all = bars(5040);
    const cols = volumeSeries(all, 900);
    expect(cols).toHaveLength(900);
    expect(Math.max(...cols.map((c) => c.volume))).toBe(Math.max(...all.map((b) => b.volume)));
    expect(cols[0]!.x).toBeCloseTo((0 + Math.floor(5040 / 900) - 1) / 2, 5);
    expect(volumeSeries(all.slice(0, 3), 900).map((c) => c.x)).toEqual([0, 1, 2]);
  });

  it('has the raw close jump at a split and the adjusted one not', () => {
    const all = bars(40, 20);
    const raw = priceSeries(all, 'raw', 900);
    const adj = priceSeries(all, 'adjusted', 900);
    const jump = (s: typeof raw) => s[20]!.y! / s[19]!.y! - 1;
    expect(jump(raw)).toBeLessThan(-0.4);
    expect(Math.abs(jump(adj))).toBeLessThan(0.05);
    const [lo, hi] = paddedExtent(raw);
    expect(lo).toBeLessThan(Math.min(...all.map((b) => b.close)));
    expect(hi).toBeGreaterThan(Math.max(...all.map((b) => b.close)));
    expect(paddedExtent([{ x: 0, y: 5 }])).toEqual([4.75, 5.25]);
    expect(paddedExtent([{ x: 0, y: null }])).toEqual([0, 1]);
  });

  it('places overlay values on their bars and leaves days without a value empty', () => {
    const all = bars(4);
    const points = [
      { date: all[0]!.date, value: 0.5 },
      { date: all[2]!.date, value: null },
      { date: all[3]!.date, value: -0.25 },
      { date: '1999-01-01', value: 7 },
    ];
    expect(overlaySeries(all, points, 900)).toEqual([{ x: 0, y: 0.5 }, { x: 1, y: null }, { x: 2, y: null }, { x: 3, y: -0.25 }]);
  });

  it('spaces date labels evenly, first and last included', () => {
    expect(dateTickIndices(5040, 6)).toEqual([0, 1008, 2016, 3023, 4031, 5039]);
    expect(dateTickIndices(1, 6)).toEqual([0]);
    expect(dateTickIndices(0, 6)).toEqual([]);
  });
});
