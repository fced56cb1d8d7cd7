import { describe, expect, it } from 'vitest';
import type { SymbolBarView, SymbolEventView } from '../../../core/contract/contract-views.ts';
import {
  bandScale, dateTicks, linePath, placeMarkers, slotAt, slotX, valueTicks, volumePath, type SlotAxis,
} from '../../../renderer/lib/price-chart-geometry.ts';
import { niceTicks, overlaySeries, paddedExtent, priceSeries, volumeSeries } from '../../../renderer/lib/symbol-chart-series.ts';

const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const bar = (i: number, close: number, volume = 1000): SymbolBarView => ({ date: day(i), close, adjClose: close, volume });
const event = (date: string, kind: SymbolEventView['kind']): SymbolEventView => ({ date, kind, title: kind, ticker: 'X', detail: null });

/** The (x, y) pairs of a path made of M, L and h0 commands, one array per unbroken run. */
function runs(d: string): Array<Array<[number, number]>> {
  return d
    .split('M')
    .filter(Boolean)
    .map((run) => run.replace(/h0$/, '').split('L').map((xy) => xy.split(',').map(Number) as [number, number]));
}

describe('price chart geometry', () => {
  const axis: SlotAxis = { left: 56, width: 800, n: 4 };

  it('centres each bar in its slot, and one bar in the middle of the plot', () => {
    expect([0, 1, 2, 3].map((i) => slotX(axis, i))).toEqual([156, 356, 556, 756]);
    expect(slotX({ left: 56, width: 800, n: 1 }, 0)).toBe(456);
    expect(slotAt(axis, 56)).toBe(0);
    expect(slotAt(axis, 455)).toBe(1);
    expect(slotAt(axis, 10)).toBe(0);
    expect(slotAt(axis, 2000)).toBe(3);
    expect(slotAt({ left: 0, width: 10, n: 0 }, 5)).toBe(-1);
  });

  it('maps the price domain onto the band with y growing downwards, and labels round ticks', () => {
    const y = bandScale([10, 20], 220, 12);
    expect([y(10), y(15), y(20)]).toEqual([220, 116, 12]);
    const ticks = valueTicks(niceTicks(10, 20, 4), y, 4);
    expect(ticks.map((t) => t.label)).toEqual(['10', '12.5', '15', '17.5', '20']);
    expect(ticks[0]!.y).toBe(220);
  });

  it('draws one line through the points, broken where a day has no value', () => {
    const y = bandScale([0, 10], 100, 0);
    const d = linePath([{ x: 0, y: 0 }, { x: 1, y: 5 }, { x: 2, y: null }, { x: 3, y: 10 }], axis, y);
    expect(runs(d)).toEqual([[[156, 100], [356, 50]], [[756, 0]]]);
    // The lone point after the hole is a zero-length segment (drawn as a dot by the round cap).
    expect(d.endsWith('M756.0,0.0h0')).toBe(true);
    expect(linePath([], axis, y)).toBe('');
    expect(linePath([{ x: 0, y: null }, { x: 1, y: Number.NaN }], axis, y)).toBe('');
  });

  it('draws a flat series as a level line inside the band', () => {
    const all = [0, 1, 2, 3].map((i) => bar(i, 42));
    const points = priceSeries(all, 'raw', 800);
    const domain = paddedExtent(points);
    const y = bandScale(domain, 220, 12);
    const [line] = runs(linePath(points, axis, y));
    expect(line).toHaveLength(4);
    expect(new Set(line!.map(([, py]) => py))).toEqual(new Set([116]));
  });

  it('draws one bar as one rectangle centred in the plot, from the base up to the full height', () => {
    const one = volumeSeries([bar(0, 1, 500)], 800);
    expect(volumePath(one, { left: 56, width: 800, n: 1 }, 294, 64, 500)).toBe('M136.0,294.0v-64.0h640.0v64.0z');
  });

  it('draws 20 years of volume as at most one bar per pixel column, each as high as its largest day', () => {
    const all = Array.from({ length: 5031 }, (_, i) => bar(i, 100, i === 2500 ? 9000 : 1000));
    const cols = volumeSeries(all, 800);
    const plot = { left: 56, width: 800, n: all.length };
    const d = volumePath(cols, plot, 294, 64, 9000);
    const heights = [...d.matchAll(/v(-[\d.]+)h/g)].map((m) => -Number(m[1]));
    expect(heights).toHaveLength(800);
    expect(heights.filter((h) => h === 64)).toHaveLength(1);
    expect(Math.min(...heights)).toBeCloseTo((1000 / 9000) * 64, 1);
    // Narrow columns fill their pixel (no sub-pixel gaps); bars never leave the plot.
    const xs = [...d.matchAll(/M([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs[0]).toBe(plot.left);
    expect(Math.max(...xs)).toBeLessThan(plot.left + plot.width);
  });

  it('leaves out days without volume, and draws nothing when no day has any', () => {
    const cols = volumeSeries([bar(0, 1, 0), bar(1, 1, 10), bar(2, 1, Number.NaN)], 800);
    expect(volumePath(cols, { left: 0, width: 300, n: 3 }, 100, 50, 10).match(/M/g)).toHaveLength(1);
    expect(volumePath(volumeSeries([bar(0, 1, 0)], 800), { left: 0, width: 300, n: 1 }, 100, 50, 0)).toBe('');
  });

  it('draws an overlay with NaN and missing values as separate runs on its own scale', () => {
    const all = [0, 1, 2, 3, 4].map((i) => bar(i, 100));
    const points = overlaySeries(all, [
      { date: day(0), value: 0.1 },
      { date: day(1), value: Number.NaN },
      { date: day(3), value: 0.3 },
      { date: day(4), value: 0.5 },
    ], 800);
    const axis5: SlotAxis = { left: 0, width: 500, n: 5 };
    const y = bandScale(paddedExtent(points), 100, 0);
    const r = runs(linePath(points, axis5, y));
    expect(r.map((run) => run.map(([x]) => x))).toEqual([[50], [350, 450]]);
    expect(r[1]![0]![1]).toBeGreaterThan(r[1]![1]![1]);
  });

  it('anchors the first and last date labels inward', () => {
    const all = [0, 1, 2, 3].map((i) => bar(i, 1));
    expect(dateTicks(all, [0, 2, 3], axis).map((t) => [t.date, t.anchor])).toEqual([
      [day(0), 'start'], [day(2), 'middle'], [day(3), 'end'],
    ]);
    expect(dateTicks(all.slice(0, 1), [0], { ...axis, n: 1 })).toEqual([{ x: 456, date: day(0), anchor: 'middle' }]);
  });

  it('puts an action on its day, a weekend action on the next bar, and drops one after the last bar', () => {
    const all = [0, 1, 3, 4].map((i) => bar(i, 1));
    const placed = placeMarkers(all, [
      event(day(1), 'split'), event(day(2), 'dividend'), event(day(9), 'ticker_change'), event(day(1), 'delisted'),
    ]);
    expect(placed.map((m) => [m.event.kind, m.at])).toEqual([['split', 1], ['dividend', 2]]);
  });
});
