/**
 * Null rate per feature as horizontal bars in plain SVG: one row per feature in manifest order,
 * the share of rows without a value (NaN or missing: warm-up days of a rolling window, instruments
 * too young for it). A screen reader gets the same figures from the table beside the chart.
 */
import { memo } from 'react';
import { formatPercent } from '../../lib/format.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const ROW = 16;
const LABEL = 120;
const VALUE = 56;

/** The chart; `features` in manifest order. */
export const NullRateChart = memo(function NullRateChart({ features }: { features: ReadonlyArray<{ name: string; nullRate: number }> }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const barW = Math.max(40, width - LABEL - VALUE);
  const height = features.length * ROW + 4;
  return (
    <div ref={ref} className="null-rate-scroll" style={{ maxHeight: 480, overflow: 'auto' }} data-testid="null-rate-chart">
      {width > 0 && (
        <svg className="null-rate-chart" width={width} height={height} aria-hidden="true">
          {features.map((f, i) => {
            const y = i * ROW + 2;
            const w = Math.max(0, Math.min(1, f.nullRate)) * barW;
            return (
              <g key={f.name} data-testid={`null-rate-${f.name}`} data-rate={f.nullRate}>
                <text x={LABEL - 6} y={y + 11} textAnchor="end">
                  {f.name.length > 16 ? `${f.name.slice(0, 15)}…` : f.name}
                </text>
                <rect className="bar-bg" x={LABEL} y={y + 2} width={barW} height={ROW - 5} rx={2} />
                <rect className="bar" x={LABEL} y={y + 2} width={w} height={ROW - 5} rx={2} />
                <text x={LABEL + barW + 6} y={y + 11}>
                  {formatPercent(f.nullRate * 100)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
});
