/** The legend for the coverage states: each drawn as on the heatmap, with its count in the shown range. */
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import { StateSwatch } from '../../components/state-swatch.tsx';
import { LEGEND_ORDER, STATE_DESCRIPTIONS } from '../../lib/coverage-colors.ts';
import { formatCount, humanize } from '../../lib/format.ts';

/** One swatch per state. */
export function Legend({ counts }: { counts: Partial<Record<CoverageState, number>> }) {
  const count = (s: string) => (counts as Partial<Record<string, number>>)[s] ?? 0;
  return (
    <ul className="legend" aria-label="Legend" data-testid="coverage-legend">
      {LEGEND_ORDER.map((s) => (
        <li key={s} title={STATE_DESCRIPTIONS[s]} data-testid={`legend-${s}`}>
          <StateSwatch state={s} />
          <span>{humanize(s)}</span>
          <span className="muted">{formatCount(count(s))}</span>
        </li>
      ))}
    </ul>
  );
}
