/**
 * Chooses one feature of a built feature-set version to draw over the Symbol chart: set@version from
 * the lake's built versions, then a feature of that version's manifest. "None" draws no overlay.
 */
import { memo, useEffect } from 'react';
import { useContractQuery } from '../../api/contract-query.ts';

/** What the picker has chosen: a set, a version and a feature of it. */
export interface OverlayChoice {
  set: string;
  version: string;
  feature: string;
}

const keyOf = (set: string, version: string) => `${set}@${version}`;

/** The two selects (set@version, feature); `onChange(null)` clears the overlay. */
// Memoised (onChange is a state setter, so stable): the raw/adjusted toggle leaves the picker alone.
export const FeatureOverlayPicker = memo(function FeatureOverlayPicker({
  value,
  onChange,
}: {
  value: OverlayChoice | null;
  onChange: (v: OverlayChoice | null) => void;
}) {
  const sets = useContractQuery('featureSets.list', {}, { staleTime: 60_000 });
  const version = useContractQuery(
    'featureSets.get',
    { name: value?.set ?? 'none', version: value?.version ?? '0.0.0' },
    { enabled: value !== null, staleTime: 60_000 },
  );
  const built = (sets.data ?? []).flatMap((s) => s.versions.filter((v) => (v.partitions ?? 0) > 0).map((v) => ({ set: s.name, version: v.version })));
  const features = version.data?.expressions.map((e) => e.name) ?? [];
  const first = features[0];
  useEffect(() => {
    // A new set@version starts on its first feature, once its manifest has arrived.
    if (value && value.feature === '' && first !== undefined) onChange({ ...value, feature: first });
  }, [value, first, onChange]);
  return (
    <div className="overlay-picker" data-testid="overlay-picker">
      <label className="stack" style={{ gap: 4 }}>
        <span className="field-label">Overlay feature set</span>
        <select
          className="select"
          value={value ? keyOf(value.set, value.version) : ''}
          data-testid="overlay-set"
          onChange={(e) => {
            const pick = built.find((b) => keyOf(b.set, b.version) === e.target.value);
            // The first feature of the new version is picked once its manifest arrives (below).
            onChange(pick ? { ...pick, feature: '' } : null);
          }}
        >
          <option value="">None</option>
          {built.map((b) => (
            <option key={keyOf(b.set, b.version)} value={keyOf(b.set, b.version)}>
              {keyOf(b.set, b.version)}
            </option>
          ))}
        </select>
      </label>
      <label className="stack" style={{ gap: 4 }}>
        <span className="field-label">Feature</span>
        <select
          className="select"
          value={value?.feature ?? ''}
          disabled={!value || features.length === 0}
          data-testid="overlay-feature"
          onChange={(e) => value && onChange({ ...value, feature: e.target.value })}
        >
          {value?.feature === '' && <option value="">Choose…</option>}
          {!value && <option value="">—</option>}
          {features.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
});
