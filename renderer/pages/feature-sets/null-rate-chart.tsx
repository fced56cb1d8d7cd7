/**
 * Null rate per feature as horizontal bars, one row per feature in manifest order: the share of rows
 * without a value (NaN or missing: warm-up days of a rolling window, instruments too young for it).
 * Drawn as plain SVG over renderer/lib/null-rate-geometry.ts, not recharts: recharts rendered
 * Alpha158's 158 bars in one task of 77 to 96 ms, over the 50 ms main-thread budget (README, "Tests
 * and benchmarks"). A screen reader gets the same figures from the expressions table beside the
 * chart, so the SVG is hidden from it.
 */
import { memo, useMemo } from 'react';
import { formatPercent } from '../../lib/format.ts';
import { NULL_RATE_MAX_HEIGHT, nullRateLayout } from '../../lib/null-rate-geometry.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

/** The chart; `features` in manifest order. */
export const NullRateChart = memo(function NullRateChart({ features }: { features: ReadonlyArray<{ name: string; nullRate: number }> }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const layout = useMemo(() => nullRateLayout(features, width), [features, width]);
  return (
    // The scroller takes keyboard focus (to scroll); the bars inside are hidden from screen readers.
    <div
      ref={ref}
      className="null-rate-scroll"
      style={{ maxHeight: NULL_RATE_MAX_HEIGHT, overflow: 'auto' }}
      data-testid="null-rate-chart"
      role="region"
      aria-label="Null rate per feature chart (the same figures are in the Expressions table)"
      tabIndex={0}
    >
      {width > 0 && (
        <svg className="null-rate-chart" width={layout.width} height={layout.height} aria-hidden="true">
          <g className="axis">
            {layout.ticks.map((t) => (
              <g key={t.rate}>
                <line className="tick" x1={t.x} x2={t.x} y1={15} y2={20} />
                <text x={t.x} y={12} textAnchor={t.rate === 0 ? 'start' : t.rate === 1 ? 'end' : 'middle'}>
                  {formatPercent(t.rate * 100)}
                </text>
              </g>
            ))}
          </g>
          {layout.bars.map((b) => (
            <g key={b.name} data-testid={`null-rate-${b.name}`} data-rate={b.rate}>
              <title>{`${b.name}: ${formatPercent(b.rate * 100)}`}</title>
              <text x={layout.plotLeft - 6} y={b.y + b.height / 2} textAnchor="end" dominantBaseline="central">
                {b.label}
              </text>
              <rect className="bar-bg" x={layout.plotLeft} y={b.y} width={layout.plotWidth} height={b.height} rx={2} />
              <rect className="bar" x={layout.plotLeft} y={b.y} width={b.width} height={b.height} rx={2} />
            </g>
          ))}
        </svg>
      )}
    </div>
  );
});
