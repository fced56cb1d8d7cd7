/**
 * The Symbol page's chart as plain SVG: the close (raw or adjusted), volume bars under it, an
 * optional feature overlay on its own right-hand axis, and corporate-action markers. It was a
 * recharts chart, which missed the 50 ms main-thread budget for 20 years of days even on a quiet
 * machine (the README's "The Symbol chart and the main-thread budget" has the figures); drawn
 * directly, a chart is a handful of elements: each series is one path over the series cut to the
 * pixel columns it gets (symbol-chart-series.ts), the geometry is pure functions
 * (price-chart-geometry.ts), and a toggle recomputes only the close's path. This module stays its
 * own chunk, loaded lazily by the page. Markers are HTML buttons over the plot, so they are
 * reachable by keyboard; hovering or focusing one shows what happened and the close either side of
 * it, raw and adjusted, so a split reads as a jump in raw and none in adjusted.
 */
import { memo, useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import type { SymbolBarView, SymbolEventView } from '../../../core/contract/contract-views.ts';
import { formatCompactCount, formatTradingDate } from '../../lib/format.ts';
import {
  bandScale, dateTicks, linePath, placeMarkers, slotAt, slotX, valueTicks, volumePath, type SlotAxis,
} from '../../lib/price-chart-geometry.ts';
import {
  dateTickIndices, niceTicks, overlaySeries, paddedExtent, priceSeries, volumeSeries, type PriceMode,
} from '../../lib/symbol-chart-series.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const HEIGHT = 320;
const AXIS_WIDTH = 56;
const MARGIN = { top: 12, right: 16 };
const X_AXIS_HEIGHT = 26;
/** The volume band under the price band, and the gap between them (where the markers sit). */
const VOLUME_HEIGHT = 64;
const BAND_GAP = 8;
const PRICE_BOTTOM = HEIGHT - X_AXIS_HEIGHT - VOLUME_HEIGHT - BAND_GAP;
const VOLUME_BASE = HEIGHT - X_AXIS_HEIGHT;
const MARKER_GLYPH: Record<string, string> = { split: 'S', dividend: 'D', ticker_change: 'T' };

const price = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
const change = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? b / a - 1 : Number.NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '—');

/** A tooltip's centre, kept far enough from the edges for the whole box (at most 340 px wide) to show. */
const tooltipLeft = (x: number, width: number) => Math.max(Math.min(170, width / 2), Math.min(x, width - 170));

/** What the marker's tooltip says: the event, and the close the day before and on the day. */
function MarkerTooltip({ event, bars, at, x, width }: { event: SymbolEventView; bars: readonly SymbolBarView[]; at: number; x: number; width: number }) {
  const before = at > 0 ? bars[at - 1] : undefined;
  const on = bars[at];
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

/** A feature drawn over the close: its name (for the axis and the tooltip) and its values by date. */
export interface ChartOverlay {
  label: string;
  points: ReadonlyArray<{ date: string; value: number | null }>;
}

interface PriceChartProps {
  bars: readonly SymbolBarView[];
  events: readonly SymbolEventView[];
  mode: PriceMode;
  overlay: ChartOverlay | null;
  /** What a screen reader hears for the chart. */
  label: string;
}

/** The chart; `mode` picks the raw or the adjusted close. */
export const PriceChart = memo(function PriceChart({ bars, events, mode, overlay, label }: PriceChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const [marker, setMarker] = useState<number | null>(null);
  const n = bars.length;
  const plotLeft = AXIS_WIDTH;
  const plotW = Math.max(1, width - plotLeft - MARGIN.right - (overlay ? AXIS_WIDTH : 0));
  const plotRight = plotLeft + plotW;
  const columns = Math.max(1, Math.floor(plotW));
  const axis = useMemo<SlotAxis>(() => ({ left: plotLeft, width: plotW, n }), [plotLeft, plotW, n]);
  const drawn = width > 0 && n > 0;

  const close = useMemo(() => {
    if (!drawn) return null;
    const points = priceSeries(bars, mode, columns);
    const domain = paddedExtent(points);
    const y = bandScale(domain, PRICE_BOTTOM, MARGIN.top);
    return { points: points.length, path: linePath(points, axis, y), ticks: valueTicks(niceTicks(domain[0], domain[1], 4), y, 4) };
  }, [drawn, bars, mode, columns, axis]);
  const volume = useMemo(() => {
    if (!drawn) return null;
    const cols = volumeSeries(bars, columns);
    const max = cols.reduce((m, c) => Math.max(m, c.volume), 0);
    return { bars: cols.length, path: volumePath(cols, axis, VOLUME_BASE, VOLUME_HEIGHT, max) };
  }, [drawn, bars, columns, axis]);
  const extra = useMemo(() => {
    if (!drawn || !overlay) return null;
    const points = overlaySeries(bars, overlay.points, columns);
    const domain = paddedExtent(points);
    const y = bandScale(domain, PRICE_BOTTOM, MARGIN.top);
    return { points: points.length, path: linePath(points, axis, y), ticks: valueTicks(niceTicks(domain[0], domain[1], 4), y, 3) };
  }, [drawn, bars, overlay, columns, axis]);
  const ticks = useMemo(
    () => dateTicks(bars, dateTickIndices(n, Math.max(2, Math.min(6, Math.floor(plotW / 140)))), axis),
    [bars, n, plotW, axis],
  );
  const markers = useMemo(() => placeMarkers(bars, events), [bars, events]);
  const overlayByDate = useMemo(() => new Map(overlay?.points.map((p) => [p.date, p.value]) ?? []), [overlay]);

  const onMove = (e: PointerEvent<HTMLElement>) => {
    if (n === 0) return;
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setHover(x < plotLeft || x > plotRight ? null : slotAt(axis, x));
  };
  const hovered = hover !== null ? bars[hover] : undefined;
  const shown = marker !== null ? markers[marker] : undefined;

  return (
    <figure
      className="price-chart"
      ref={ref}
      data-testid="price-chart"
      data-mode={mode}
      data-points={close?.points ?? 0}
      data-volume-bars={volume?.bars ?? 0}
      data-overlay-points={extra?.points ?? 0}
      onPointerMove={onMove}
      onPointerLeave={() => setHover(null)}
    >
      <figcaption className="visually-hidden">{label}</figcaption>
      {drawn && close && volume && (
        <svg className="price-chart-svg" width={width} height={HEIGHT} aria-hidden="true">
          <g className="chart-grid">
            {close.ticks.map((t) => (
              <line key={t.value} x1={plotLeft} x2={plotRight} y1={t.y} y2={t.y} />
            ))}
          </g>
          <g className="chart-axis-text">
            {close.ticks.map((t) => (
              <text key={t.value} x={plotLeft - 6} y={t.y + 4} textAnchor="end">
                {t.label}
              </text>
            ))}
            {ticks.map((t) => (
              <text key={t.date} x={t.x} y={HEIGHT - 8} textAnchor={t.anchor}>
                {t.date}
              </text>
            ))}
          </g>
          {extra && (
            <g className="chart-axis-text chart-overlay-axis">
              {extra.ticks.map((t) => (
                <text key={t.value} x={plotRight + 6} y={t.y + 4} textAnchor="start">
                  {t.label}
                </text>
              ))}
            </g>
          )}
          <line className="chart-axis-line" x1={plotLeft} x2={plotRight} y1={VOLUME_BASE} y2={VOLUME_BASE} />
          <g className="chart-volume-bars">
            <path d={volume.path} />
          </g>
          <g className="chart-price-series">
            <path d={close.path} />
          </g>
          {extra && (
            <g className="chart-overlay-series">
              <path d={extra.path} />
            </g>
          )}
          {markers.map((m, i) => (
            <line
              key={i}
              x1={slotX(axis, m.at)}
              x2={slotX(axis, m.at)}
              y1={MARGIN.top}
              y2={PRICE_BOTTOM + BAND_GAP / 2}
              className={`chart-marker-rule marker-${m.event.kind}`}
            />
          ))}
          {hover !== null && (
            <line className="chart-hover-rule" x1={slotX(axis, hover)} x2={slotX(axis, hover)} y1={MARGIN.top} y2={VOLUME_BASE} />
          )}
        </svg>
      )}
      {/* Test and bench hook: the series are in the DOM. */}
      {drawn && <span hidden data-testid="chart-drawn" />}
      {drawn &&
        markers.map((m, i) => (
          <button
            key={`${m.event.kind}-${m.event.date}-${i}`}
            type="button"
            className={`chart-marker marker-${m.event.kind}`}
            style={{ left: slotX(axis, m.at), top: PRICE_BOTTOM + BAND_GAP / 2 - 9 }}
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
      {shown && <MarkerTooltip event={shown.event} bars={bars} at={shown.at} x={slotX(axis, shown.at)} width={width} />}
      {!shown && hovered && hover !== null && (
        <div className="chart-tooltip" style={{ left: tooltipLeft(slotX(axis, hover), width) }} data-testid="bar-tooltip">
          <strong>{formatTradingDate(hovered.date)}</strong>
          <div>
            Close {price(hovered.close)} · adjusted {price(hovered.adjClose)}
          </div>
          <div>Volume {formatCompactCount(hovered.volume)}</div>
          {overlay && (
            <div>
              {overlay.label} {overlayByDate.get(hovered.date)?.toPrecision(4) ?? '—'}
            </div>
          )}
        </div>
      )}
    </figure>
  );
});

export default PriceChart;
