/**
 * The Symbol page's chart as plain SVG (like the System page's, and for the same reason: recharts is
 * not in this build, and a chart drawn directly stays within a frame): the close line, raw or
 * adjusted, volume bars, and corporate-action markers. Markers are HTML buttons over the SVG so
 * they are reachable by keyboard; hovering or focusing one shows what happened and the close on
 * either side of it, raw and adjusted, so a split reads as a jump in raw and none in adjusted.
 */
import { memo, useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import type { SymbolBarView, SymbolEventView } from '../../../core/contract/contract-views.ts';
import { formatCompactCount, formatTradingDate } from '../../lib/format.ts';
import { priceChartGeometry, type PriceMode } from '../../lib/price-chart-geometry.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const HEIGHT = 320;
const BOX = { height: HEIGHT, volumeHeight: 70, left: 56, right: 16, top: 12, bottom: 26 };
const MARKER_GLYPH: Record<string, string> = { split: 'S', dividend: 'D', ticker_change: 'T' };

const price = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
const change = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? b / a - 1 : Number.NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '—');

/** A tooltip's centre, kept far enough from the edges for the whole box (at most 340 px wide) to show. */
const tooltipLeft = (x: number, width: number) => Math.max(Math.min(170, width / 2), Math.min(x, width - 170));

/** What the marker's tooltip says: the event, and the close the day before and on the day. */
function MarkerTooltip({ event, bars, x, width }: { event: SymbolEventView; bars: readonly SymbolBarView[]; x: number; width: number }) {
  const at = bars.findIndex((b) => b.date >= event.date);
  const before = at > 0 ? bars[at - 1] : undefined;
  const on = at >= 0 ? bars[at] : undefined;
  const raw = before && on ? change(before.close, on.close) : Number.NaN;
  const adj = before && on ? change(before.adjClose, on.adjClose) : Number.NaN;
  return (
    <div
      className="chart-tooltip"
      role="tooltip"
      id="marker-tooltip"
      style={{ left: tooltipLeft(x, width) }}
      data-testid="marker-tooltip"
      data-raw-change={raw}
      data-adjusted-change={adj}
    >
      <strong>{event.title}</strong>
      <div>
        {formatTradingDate(event.date)} · {event.ticker}
      </div>
      {event.detail && <div className="muted-float">{event.detail}</div>}
      {before && on && (
        <div>
          Close {formatTradingDate(before.date)} → {formatTradingDate(on.date)}:
          raw {price(before.close)} → {price(on.close)} ({pct(raw)}),
          adjusted {price(before.adjClose)} → {price(on.adjClose)} ({pct(adj)})
        </div>
      )}
    </div>
  );
}

interface PriceChartProps {
  bars: readonly SymbolBarView[];
  events: readonly SymbolEventView[];
  mode: PriceMode;
  /** What a screen reader hears for the chart. */
  label: string;
}

/** The chart; `mode` picks the raw or the adjusted close. */
export const PriceChart = memo(function PriceChart({ bars, events, mode, label }: PriceChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const [marker, setMarker] = useState<number | null>(null);
  const geo = useMemo(() => (width > 0 ? priceChartGeometry(bars, events, mode, { ...BOX, width }) : null), [bars, events, mode, width]);
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if (!geo) return;
    const r = e.currentTarget.getBoundingClientRect();
    setHover(geo.indexAt(e.clientX - r.left));
  };
  const hovered = hover !== null ? bars[hover] : undefined;
  const shown = marker !== null && geo ? geo.markers[marker] : undefined;
  return (
    <figure className="price-chart" ref={ref} data-testid="price-chart" data-mode={mode} data-points={geo?.points ?? 0}>
      <figcaption className="visually-hidden">{label}</figcaption>
      {geo && (
        <svg width={width} height={HEIGHT} aria-hidden="true" onPointerMove={onMove} onPointerLeave={() => setHover(null)}>
          {geo.priceTicks.map((t) => (
            <g key={t.value}>
              <line x1={BOX.left} x2={width - BOX.right} y1={t.y} y2={t.y} style={{ stroke: 'var(--chart-grid)' }} />
              <text x={BOX.left - 6} y={t.y + 4} textAnchor="end" className="chart-axis-text">
                {t.value}
              </text>
            </g>
          ))}
          {geo.dateTicks.map((t, i) => (
            // The first and last labels are anchored inward so they are not cut at the chart's edges.
            <text
              key={t.date}
              x={t.x}
              y={HEIGHT - 8}
              textAnchor={i === 0 ? 'start' : i === geo.dateTicks.length - 1 ? 'end' : 'middle'}
              className="chart-axis-text"
            >
              {t.date}
            </text>
          ))}
          <path d={geo.volume} className="chart-volume" data-testid="volume-bars" />
          <path d={geo.line} className="chart-price-line" data-testid="price-line" />
          {geo.markers.map((m, i) => (
            <line key={i} x1={m.x} x2={m.x} y1={BOX.top} y2={m.y} className={`chart-marker-rule marker-${m.event.kind}`} />
          ))}
          {hovered && hover !== null && (
            <line
              x1={geo.xOf(hover)}
              x2={geo.xOf(hover)}
              y1={BOX.top}
              y2={HEIGHT - BOX.bottom}
              style={{ stroke: 'var(--chart-axis)' }}
              strokeDasharray="3 3"
            />
          )}
        </svg>
      )}
      {geo?.markers.map((m, i) => (
        <button
          key={`${m.event.kind}-${m.event.date}-${i}`}
          type="button"
          className={`chart-marker marker-${m.event.kind}`}
          style={{ left: m.x, top: m.y - 9 }}
          aria-label={`${m.event.title}, ${formatTradingDate(m.event.date)}`}
          aria-describedby={marker === i ? 'marker-tooltip' : undefined}
          onPointerEnter={() => setMarker(i)}
          onPointerLeave={() => setMarker(null)}
          onFocus={() => setMarker(i)}
          onBlur={() => setMarker(null)}
          data-testid={`marker-${m.event.kind}-${m.event.date}`}
        >
          {MARKER_GLYPH[m.event.kind] ?? '•'}
        </button>
      ))}
      {shown && <MarkerTooltip event={shown.event} bars={bars} x={shown.x} width={width} />}
      {!shown && hovered && geo && hover !== null && (
        <div className="chart-tooltip" style={{ left: tooltipLeft(geo.xOf(hover), width) }} data-testid="bar-tooltip">
          <strong>{formatTradingDate(hovered.date)}</strong>
          <div>
            Close {price(hovered.close)} · adjusted {price(hovered.adjClose)}
          </div>
          <div>Volume {formatCompactCount(hovered.volume)}</div>
        </div>
      )}
    </figure>
  );
});
