/**
 * Null rate per feature as horizontal bars (recharts, the design card's chart library): one row per
 * feature in manifest order, the share of rows without a value (NaN or missing: warm-up days of a
 * rolling window, instruments too young for it). This module is loaded lazily by the Feature sets
 * page, so recharts comes with the page that charts and not before; animations are off (a chart of
 * 158 bars animating is main-thread time for nothing). A screen reader gets the same figures from
 * the expressions table beside the chart, so the SVG is hidden from it.
 */
import { memo } from 'react';
import { Bar, BarChart, XAxis, YAxis } from 'recharts';
import type { BarShapeProps } from 'recharts';
import { formatPercent } from '../../lib/format.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const ROW = 16;
const LABEL = 128;

interface Row {
  name: string;
  nullRate: number;
}

/** One bar, with the figures the tests and tooltips read off it. */
function NullBar(props: BarShapeProps) {
  const row = props.payload as Row;
  const { x = 0, y = 0, width = 0, height = 0 } = props;
  return (
    <g data-testid={`null-rate-${row.name}`} data-rate={row.nullRate}>
      <rect className="bar" x={x} y={y} width={Math.max(0, width)} height={height} rx={2}>
        <title>{`${row.name}: ${formatPercent(row.nullRate * 100)}`}</title>
      </rect>
    </g>
  );
}

const tick = (v: number) => formatPercent(v * 100);

/** The chart; `features` in manifest order. */
export const NullRateChart = memo(function NullRateChart({ features }: { features: ReadonlyArray<Row> }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const data = features.map((f) => ({ name: f.name, nullRate: Math.max(0, Math.min(1, f.nullRate)) }));
  const height = data.length * ROW + 32;
  return (
    // The scroller takes keyboard focus (to scroll); the bars inside are hidden from screen readers.
    <div
      ref={ref}
      className="null-rate-scroll"
      style={{ maxHeight: 480, overflow: 'auto' }}
      data-testid="null-rate-chart"
      role="region"
      aria-label="Null rate per feature chart (the same figures are in the Expressions table)"
      tabIndex={0}
    >
      {width > 0 && (
        <div aria-hidden="true">
          <BarChart
            accessibilityLayer={false}
            className="null-rate-chart"
            width={width}
            height={height}
            data={data}
            layout="vertical"
            margin={{ top: 4, right: 16, bottom: 4, left: 0 }}
          >
            <XAxis type="number" domain={[0, 1]} tickFormatter={tick} orientation="top" stroke="var(--text-3)" fontSize={11} />
            <YAxis
              type="category"
              dataKey="name"
              width={LABEL}
              interval={0}
              stroke="var(--text-3)"
              fontSize={11}
              tickFormatter={(n: string) => (n.length > 17 ? `${n.slice(0, 16)}…` : n)}
            />
            <Bar dataKey="nullRate" isAnimationActive={false} shape={NullBar} background={{ fill: 'var(--surface-3)' }} />
          </BarChart>
        </div>
      )}
    </div>
  );
});
