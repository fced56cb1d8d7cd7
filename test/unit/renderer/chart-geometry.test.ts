import { describe, expect, it } from 'vitest';
import { timeTicks } from '../../../renderer/lib/time-ticks.ts';
import { linearScale, nearestIndex, trendPaths } from '../../../renderer/lib/trend-geometry.ts';

describe('timeTicks', () => {
  it('picks the smallest round step that fits and stays inside the span', () => {
    const from = Date.UTC(2024, 2, 5, 14, 30, 7);
    const to = from + 150_000; // 2.5 minutes
    const ticks = timeTicks(from, to, 6);
    expect(ticks).toEqual([30, 60, 90, 120, 150].map((s) => Date.UTC(2024, 2, 5, 14, 30, 0) + s * 1000));
    expect(ticks.every((t) => t >= from && t <= to)).toBe(true);
    expect(ticks.length).toBeLessThanOrEqual(6);
  });

  it('uses whole minutes for longer spans and never exceeds the limit', () => {
    const from = Date.UTC(2024, 2, 5, 14, 0, 30);
    const ticks = timeTicks(from, from + 40 * 60_000, 5);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(ticks.every((t) => t % 600_000 === 0)).toBe(true);
  });

  it('handles one sample and empty input', () => {
    expect(timeTicks(1000, 1000, 5)).toEqual([1000]);
    expect(timeTicks(Number.NaN, Number.NaN, 5)).toEqual([]);
  });
});

describe('trend geometry', () => {
  it('maps domains onto pixels, with y growing downwards', () => {
    const y = linearScale(0, 100, 180, 10);
    expect(y(0)).toBe(180);
    expect(y(100)).toBe(10);
    expect(y(50)).toBe(95);
    expect(linearScale(5, 5, 3, 9)(5)).toBe(3);
  });

  it('draws the line through every point and closes the area on the baseline', () => {
    const box = { left: 40, top: 10, width: 200, height: 100 };
    const { line, area } = trendPaths(
      [
        { t: 0, v: 0 },
        { t: 50, v: 50 },
        { t: 100, v: 120 },
      ],
      box,
      [0, 100],
      [0, 100],
    );
    // The last value is clamped to the top of the plot.
    expect(line).toBe('M40.0,110.0L140.0,60.0L240.0,10.0');
    expect(area).toBe(`${line}L240.0,110.0L40.0,110.0Z`);
    expect(trendPaths([], box, [0, 1], [0, 100])).toEqual({ line: '', area: '' });
  });

  it('finds the sample nearest a time', () => {
    const pts = [0, 10, 20, 40].map((t) => ({ t, v: t }));
    expect(nearestIndex(pts, -5)).toBe(0);
    expect(nearestIndex(pts, 4)).toBe(0);
    expect(nearestIndex(pts, 6)).toBe(1);
    expect(nearestIndex(pts, 31)).toBe(3);
    expect(nearestIndex(pts, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});
