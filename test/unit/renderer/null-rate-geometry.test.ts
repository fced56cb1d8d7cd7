import { describe, expect, it } from 'vitest';
import { NULL_RATE_LABEL, NULL_RATE_ROW, clampRate, nullRateLayout, shortLabel } from '../../../renderer/lib/null-rate-geometry.ts';

describe('null-rate chart geometry', () => {
  const features = [
    { name: 'KMID', nullRate: 0 },
    { name: 'ROC60', nullRate: 0.25 },
    { name: 'CORD60_with_a_long_name', nullRate: 1 },
  ];

  it('gives one row per feature in manifest order, each bar as long as its rate', () => {
    const layout = nullRateLayout(features, 528);
    expect(layout.plotLeft).toBe(NULL_RATE_LABEL);
    expect(layout.plotWidth).toBe(528 - NULL_RATE_LABEL - 16);
    expect(layout.bars.map((b) => b.name)).toEqual(['KMID', 'ROC60', 'CORD60_with_a_long_name']);
    expect(layout.bars.map((b) => b.width)).toEqual([0, layout.plotWidth / 4, layout.plotWidth]);
    const ys = layout.bars.map((b) => b.y);
    expect(ys[1]! - ys[0]!).toBe(NULL_RATE_ROW);
    expect(ys[2]! - ys[1]!).toBe(NULL_RATE_ROW);
    // Every row fits inside the drawing.
    const last = layout.bars[2]!;
    expect(last.y + last.height).toBeLessThanOrEqual(layout.height);
  });

  it('puts ticks at each quarter across the plot', () => {
    const layout = nullRateLayout(features, 528);
    expect(layout.ticks.map((t) => t.rate)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(layout.ticks[0]!.x).toBe(layout.plotLeft);
    expect(layout.ticks[4]!.x).toBe(layout.plotLeft + layout.plotWidth);
  });

  it('clamps rates outside [0, 1] and reads a non-number as 0, never drawing past the plot', () => {
    expect([clampRate(-0.1), clampRate(1.5), clampRate(Number.NaN), clampRate(0.4)]).toEqual([0, 1, 0, 0.4]);
    const layout = nullRateLayout([{ name: 'x', nullRate: 7 }], 300);
    expect(layout.bars[0]!.rate).toBe(1);
    expect(layout.bars[0]!.width).toBe(layout.plotWidth);
  });

  it('cuts long names with an ellipsis, and a chart narrower than its labels draws empty bars', () => {
    expect(shortLabel('KMID')).toBe('KMID');
    expect(shortLabel('CORD60_with_a_long_name')).toBe('CORD60_with_a_lo…');
    const narrow = nullRateLayout(features, 50);
    expect(narrow.plotWidth).toBe(0);
    expect(narrow.bars.every((b) => b.width === 0)).toBe(true);
  });
});
