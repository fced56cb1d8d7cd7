/**
 * The Coverage page's layer switch, from the registry: one switch per lake layer, with feature sets
 * apart from the rest of silver (they are silver datasets, but a researcher looks for them on
 * their own), and as rows every dataset the registry declares in that layer.
 */
import type { CoverageLayerId, CoverageLayerView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import type { DatasetEntry, DatasetRegistry } from '../datasets/index.ts';
import { featureSetOf } from '../datasets/gold-datasets.ts';
import type { Layer } from '../vocabulary/layers.ts';

const SWITCHES: ReadonlyArray<{ id: CoverageLayerId; layer: Layer; title: string; includes: (e: DatasetEntry) => boolean }> = [
  { id: 'landing', layer: 'landing', title: 'Landing (raw files)', includes: () => true },
  { id: 'bronze', layer: 'bronze', title: 'Bronze (Parquet)', includes: () => true },
  { id: 'silver', layer: 'silver', title: 'Silver (adjusted)', includes: (e) => featureSetOf(e.id) === null },
  { id: 'features', layer: 'silver', title: 'Feature sets', includes: (e) => featureSetOf(e.id) !== null },
  { id: 'gold', layer: 'gold', title: 'Gold (Qlib)', includes: () => true },
];

/**
 * The switches and their rows in registry order; `enabled` says which ones "Update today" keeps
 * current. `only` limits the rows to those datasets (the UI bench measures a fixed ten).
 */
export function coverageLayerViews(registry: DatasetRegistry, enabled: readonly string[], only?: readonly string[]): CoverageLayerView[] {
  const on = new Set(enabled);
  const shown = only ? new Set(only) : null;
  return SWITCHES.map((s) => ({
    id: s.id,
    layer: s.layer,
    title: s.title,
    datasets: registry
      .inLayer(s.layer)
      .filter((e) => s.includes(e) && (!shown || shown.has(e.id)))
      .map((e) => ({ id: e.id, title: e.title, kind: e.kind, enabled: on.has(e.id) })),
  }));
}

/** `coverage.layers` over the registry of the current settings. */
export function coverageHandlers(deps: {
  registry: () => DatasetRegistry;
  enabled: () => readonly string[];
  only?: () => readonly string[];
}): Pick<Handlers, 'coverage.layers'> {
  return {
    'coverage.layers': () => ({ views: coverageLayerViews(deps.registry(), deps.enabled(), deps.only?.()) }),
  };
}
