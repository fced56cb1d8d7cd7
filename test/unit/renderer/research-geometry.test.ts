import { describe, expect, it } from 'vitest';
import { expressionTokens } from '../../../renderer/lib/expression-tokens.ts';
import { describeStages } from '../../../renderer/lib/plan-stages.ts';
import { columnMaxima, minMaxIndices } from '../../../renderer/lib/series-downsample.ts';

describe('plan stages', () => {
  it('words jobs per kind by stage, in build order, unknown kinds last', () => {
    expect(describeStages({ 'gold-build': 1, ingest: 3, download: 3, 'silver-build': 3 }))
      .toBe('3 downloads, 3 ingests, 3 silver builds, 1 gold update');
    expect(describeStages({ 'feature-build': 1, 'rest-fetch': 2, 'odd-kind': 1 })).toBe('2 REST fetches, 1 feature-set build, 1 odd kind');
    expect(describeStages({ download: 0 })).toBe('nothing to run');
  });
});

describe('downsampling', () => {
  it('keeps every point when there are few, and each column\'s extremes when there are many', () => {
    expect(minMaxIndices([3, 1, 2], 100)).toEqual([0, 1, 2]);
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) + (i === 5_123 ? 10 : 0));
    const kept = minMaxIndices(values, 200);
    expect(kept.length).toBeLessThanOrEqual(800);
    expect(kept).toContain(5_123);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(9_999);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it('gives one maximum per column', () => {
    const cols = columnMaxima([1, 5, 2, 8, 3, 3], 3);
    expect(cols).toEqual([{ from: 0, to: 1, max: 5 }, { from: 2, to: 3, max: 8 }, { from: 4, to: 5, max: 3 }]);
  });
});

describe('expression tokens', () => {
  it('splits fields, operators and numbers and gives the text back unchanged', () => {
    const text = '$volume/Mean($volume, 20) - 1e-12';
    const tokens = expressionTokens(text);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.kind === 'field').map((t) => t.text)).toEqual(['$volume', '$volume']);
    expect(tokens.filter((t) => t.kind === 'op').map((t) => t.text)).toEqual(['Mean']);
    expect(tokens.filter((t) => t.kind === 'num').map((t) => t.text)).toEqual(['20', '1e-12']);
  });
});
