/**
 * Memory charts as plain SVG and CSS: the recent trend of machine memory in use and each process's
 * resident memory. Both redraw on every memory sample (about once a second while jobs run), so
 * they must stay well inside one frame. They were recharts charts, whose first render alone took
 * 100–200 ms per chart on a busy 2-core machine (its selector store re-renders synchronously, so
 * the work cannot be split across frames); drawn directly, opening the page and each redraw stay
 * in tasks of a few milliseconds.
 */
import { memo, useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import type { MemorySampleView } from '../../../core/contract/contract-views.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';
import { timeTicks } from '../../lib/time-ticks.ts';
import { linearScale, nearestIndex, trendPaths } from '../../lib/trend-geometry.ts';
import type { PlotBox, TrendPoint } from '../../lib/trend-geometry.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

// New York time, like every clock in the app.
const timeOfDay = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const PERCENT_TICKS = [0, 25, 50, 75, 100];
const PERCENT_DOMAIN = [0, 100] as const;
const TREND_HEIGHT = 200;
const MARGIN = { top: 8, right: 16, bottom: 24, left: 44 };
/** Room one clock label needs on the time axis, with its gap. */
const TIME_LABEL_PX = 90;
// CSS variables, so the charts follow the theme; SVG takes them through style.
const COLORS = {
  line: 'var(--chart-line)',
  grid: 'var(--chart-grid)',
  axis: 'var(--chart-axis)',
  warning: 'var(--chart-warning)',
  critical: 'var(--chart-critical)',
};

/** Machine memory in use over the recent samples, with the warning and critical lines. */
export const MemoryTrend = memo(function MemoryTrend({ samples, warningPercent, criticalPercent }: { samples: readonly MemorySampleView[]; warningPercent: number; criticalPercent: number }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const points = useMemo<TrendPoint[]>(() => samples.map((s) => ({ t: Date.parse(s.at), v: s.usedPercent })), [samples]);
  const first = points[0]?.t ?? 0;
  const last = points[points.length - 1]?.t ?? 0;
  const plotWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const box = useMemo<PlotBox>(() => ({ left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: TREND_HEIGHT - MARGIN.top - MARGIN.bottom }), [plotWidth]);
  const paths = useMemo(() => trendPaths(points, box, [first, last], PERCENT_DOMAIN), [points, box, first, last]);
  const ticks = useMemo(() => timeTicks(first, last, Math.max(2, Math.floor(box.width / TIME_LABEL_PX))), [first, last, box.width]);
  const x = linearScale(first, last, box.left, box.left + box.width);
  const y = linearScale(PERCENT_DOMAIN[0], PERCENT_DOMAIN[1], box.top + box.height, box.top);
  const hovered = hover === null ? undefined : points[hover];

  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const left = e.currentTarget.getBoundingClientRect().left;
    const at = linearScale(box.left, box.left + box.width, first, last)(e.clientX - left);
    const i = nearestIndex(points, at);
    setHover((old) => (old === i || i < 0 ? old : i));
  };

  return (
    <div className="chart trend-chart" ref={ref} style={{ height: TREND_HEIGHT }} data-testid="memory-trend" aria-label="Memory in use over the last few minutes" role="img">
      {width > 0 && (
        <svg width={width} height={TREND_HEIGHT} onPointerMove={onPointerMove} onPointerLeave={() => setHover(null)} aria-hidden="true">
          {PERCENT_TICKS.map((v) => (
            <g key={v}>
              <line x1={box.left} x2={box.left + box.width} y1={y(v)} y2={y(v)} style={{ stroke: COLORS.grid }} />
              <text x={box.left - 6} y={y(v)} dy="0.32em" textAnchor="end" fontSize={11} style={{ fill: COLORS.axis }}>
                {`${v}%`}
              </text>
            </g>
          ))}
          {ticks.map((t) => (
            <text key={t} x={x(t)} y={box.top + box.height + 16} textAnchor="middle" fontSize={11} style={{ fill: COLORS.axis }}>
              {timeOfDay.format(t)}
            </text>
          ))}
          <path d={paths.area} style={{ fill: COLORS.line }} fillOpacity={0.12} />
          <path d={paths.line} fill="none" style={{ stroke: COLORS.line }} strokeWidth={2} strokeLinejoin="round" />
          <line
            x1={box.left}
            x2={box.left + box.width}
            y1={y(warningPercent)}
            y2={y(warningPercent)}
            style={{ stroke: COLORS.warning }}
            strokeDasharray="4 4"
          />
          <line
            x1={box.left}
            x2={box.left + box.width}
            y1={y(criticalPercent)}
            y2={y(criticalPercent)}
            style={{ stroke: COLORS.critical }}
            strokeDasharray="4 4"
          />
          {hovered && (
            <g>
              <line
                x1={x(hovered.t)}
                x2={x(hovered.t)}
                y1={box.top}
                y2={box.top + box.height}
                style={{ stroke: COLORS.axis }}
                strokeOpacity={0.4}
              />
              <circle
                cx={x(hovered.t)}
                cy={y(Math.min(100, Math.max(0, hovered.v)))}
                r={4}
                style={{ fill: 'var(--surface)', stroke: COLORS.line }}
                strokeWidth={2}
              />
            </g>
          )}
        </svg>
      )}
      {hovered && (
        <div className="chart-tooltip" aria-hidden="true" style={{ left: Math.min(x(hovered.t) + 12, Math.max(0, width - 140)), top: box.top }}>
          <span className="muted">{timeOfDay.format(hovered.t)} ET</span>
          <strong>{formatPercent(hovered.v)} in use</strong>
        </div>
      )}
    </div>
  );
});

/** One bar per running process (the app, the lake process and each job's process), largest first. */
export const ProcessRssChart = memo(function ProcessRssChart({ processes }: { processes: MemorySampleView['processes'] }) {
  const rows = useMemo(
    () =>
      [...processes]
        .sort((a, b) => b.rssBytes - a.rssBytes)
        .map((p) => ({ name: p.jobId ? `${p.name} · ${p.jobId}` : p.name, rss: p.rssBytes, pid: p.pid })),
    [processes],
  );
  const max = Math.max(1, ...rows.map((r) => r.rss));
  return (
    <div className="chart rss-chart" data-testid="processes-chart" role="img" aria-label="Resident memory per process">
      {rows.map((r) => (
        <div key={r.pid} className="rss-row">
          <span className="rss-name" title={r.name}>
            {r.name}
          </span>
          <span className="rss-track">
            <span className="rss-bar" style={{ width: `${(r.rss / max) * 100}%` }} />
          </span>
          <span className="rss-value">{formatBytes(r.rss)}</span>
        </div>
      ))}
    </div>
  );
});
