import { describe, expect, it } from 'vitest';
import { coverageLayerViews } from '../../../core/app/coverage-handlers.ts';
import { defaultRegistry } from '../../../core/datasets/index.ts';

describe('coverage layer switches', () => {
  it('has a switch per layer with every registry dataset of it, feature sets apart from silver', () => {
    const registry = defaultRegistry();
    const views = coverageLayerViews(registry, ['stocks_daily', 'splits']);
    expect(views.map((v) => [v.id, v.layer])).toEqual([
      ['landing', 'landing'], ['bronze', 'bronze'], ['silver', 'silver'], ['features', 'silver'], ['gold', 'gold'],
    ]);
    const ids = (id: string) => views.find((v) => v.id === id)!.datasets.map((d) => d.id);
    expect(ids('bronze')).toEqual(registry.inLayer('bronze').map((e) => e.id));
    expect(ids('bronze')).toContain('splits');
    expect(ids('silver')).toEqual([
      'adjustment_factors', 'stocks_daily_adjusted', 'universe', 'corporate_actions', 'options_daily_enriched', 'fundamentals', 'financial_ratios',
    ]);
    expect(ids('features')).toEqual(['features_alpha158', 'features_alpha360', 'features_daily']);
    expect(ids('gold')).toEqual(['qlib_us', 'qlib_us_1min']);
    const bronze = views.find((v) => v.id === 'bronze')!.datasets;
    expect(bronze.find((d) => d.id === 'splits')).toMatchObject({ kind: 'rest', enabled: true });
    expect(bronze.find((d) => d.id === 'news')).toMatchObject({ kind: 'rest', enabled: false });
  });

  it('limits rows to the datasets asked for', () => {
    const views = coverageLayerViews(defaultRegistry(), [], ['stocks_daily', 'news']);
    expect(views.find((v) => v.id === 'bronze')!.datasets.map((d) => d.id)).toEqual(['stocks_daily', 'news']);
    expect(views.find((v) => v.id === 'gold')!.datasets).toEqual([]);
  });
});
