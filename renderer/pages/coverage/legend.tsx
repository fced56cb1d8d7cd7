/** The colour legend for the coverage states, with each state's count in the shown range. */
import type { CoverageState } from '../../../core/vocabulary/coverage-states.ts';
import { LEGEND_ORDER, STATE_DESCRIPTIONS } from '../../lib/coverage-colors.ts';
import { formatCount, humanize } from '../../lib/format.ts';

/** One swatch per state. */
export function Legend({ counts }: { counts: Partial<Record<CoverageState, number>> }) {
  return (
    <ul className="legend" aria-label="Legend" data-testid="coverage-legend">
      {LEGEND_ORDER.map((s) => (
        <li key={s} title={STATE_DESCRIPTIONS[s]} data-testid={`legend-${s}`}>
          <span className="swatch" data-state={s} aria-hidden="true" />
          <span>{humanize(s)}</span>
          <span className="muted">{formatCount(counts[s] ?? 0)}</span>
        </li>
      ))}
    </ul>
  );
}
