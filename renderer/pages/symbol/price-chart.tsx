/**
 * The Symbol page's chart on recharts: the close (raw or adjusted), volume bars, an optional feature
 * overlay on its own right-hand axis, and corporate-action markers. This module is its own chunk
 * (the page imports it lazily), so recharts loads with the first chart, not with the app.
 *
 * What keeps it inside the main-thread budget for 20 years of days: every series is cut to the
 * pixel columns it gets before recharts sees it (symbol-chart-series.ts), animations are off, axis
 * domains and ticks are given (recharts never scans the data for them), and dots, tooltips and
 * hit-testing by recharts are off: hover is one index look-up on the wrapper. Volume over more than
 * FEW_BARS columns is one stepped area over the per-column maxima (one SVG path): recharts' <Bar>
 * makes a React element per bar, which at a thousand columns costs more than the rest of the chart. The grid
 * is reference lines at ticks given to the axes, and every axis has interval 0: otherwise recharts
 * measures each tick label in the DOM (a forced layout per label). Markers are HTML
 * buttons over the plot, so they are reachable by keyboard; hovering or focusing one shows what
 * happened and the close either side of it, raw and adjusted, so a split reads as a jump in raw and
 * none in adjusted.
 */
import { memo, useMemo, useState } from 'react';
import type { PointerEvent } from 'react';
import { Area, Bar, ComposedChart, Line, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { SymbolBarView, SymbolEventView } from '../../../core/contract/contract-views.ts';
import { formatCompactCount, formatTradingDate } from '../../lib/format.ts';
import {
  dateTickIndices, niceTicks, overlaySeries, paddedExtent, priceSeries, volumeSeries, type PriceMode,
} from '../../lib/symbol-chart-series.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const HEIGHT = 320;
const AXIS_WIDTH = 56;
/** The plot's margins inside the SVG; the x scale is linear over [0, n - 1] between them. */
const MARGIN = { top: 12, right: 16, bottom: 0, left: 0 };
const X_AXIS_HEIGHT = 26;
/** The volume band takes the bottom fifth of the plot: its axis reaches five times the largest bar. */
const VOLUME_SHARE = 0.2;
/** Up to this many volume columns are drawn as separate bars (a React element each); more, as one stepped area. */
const FEW_BARS = 120;
const MARKER_GLYPH: Record<string, string> = { split: 'S', dividend: 'D', ticker_change: 'T' };
const MARKER_KINDS = new Set(['split', 'dividend', 'ticker_change']);

const price = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
const change = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? b / a - 1 : Number.NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '—');

/** A tooltip's centre, kept far enough from the edges for the whole box (at most 340 px wide) to show. */
const tooltipLeft = (x: number, width: number) => Math.max(Math.min(170, width / 2), Math.min(x, width - 170));

/** The bar an action sits on: its own day, or the next bar for a day without one (a weekend ex-date). */
function barIndexOf(bars: readonly SymbolBarView[], byDate: ReadonlyMap<string, number>, date: string): number {
  const i = byDate.get(date);
  return i ?? bars.findIndex((b) => b.date >= date);
}

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
  const plotLeft = MARGIN.left + AXIS_WIDTH;
  const plotRight = MARGIN.right + (overlay ? AXIS_WIDTH : 0);
  const plotW = Math.max(1, width - plotLeft - plotRight);
  const columns = Math.max(1, Math.floor(plotW));
  const xOf = (i: number) => plotLeft + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));

  const line = useMemo(() => (width > 0 ? priceSeries(bars, mode, columns) : []), [bars, mode, columns, width]);
  const volume = useMemo(() => (width > 0 ? volumeSeries(bars, columns) : []), [bars, columns, width]);
  const extra = useMemo(() => (width > 0 && overlay ? overlaySeries(bars, overlay.points, columns) : null), [bars, overlay, columns, width]);
  const priceDomain = useMemo(() => paddedExtent(line), [line]);
  const overlayDomain = useMemo(() => (extra ? paddedExtent(extra) : null), [extra]);
  const priceTicks = useMemo(() => niceTicks(priceDomain[0], priceDomain[1], 4), [priceDomain]);
  const overlayTicks = useMemo(() => (overlayDomain ? niceTicks(overlayDomain[0], overlayDomain[1], 4) : []), [overlayDomain]);
  const volumeMax = useMemo(() => Math.max(1, ...volume.map((c) => c.volume)), [volume]);
  const ticks = useMemo(() => dateTickIndices(n, Math.max(2, Math.min(6, Math.floor(plotW / 140)))), [n, plotW]);
  const markers = useMemo(() => {
    const byDate = new Map(bars.map((b, i) => [b.date, i]));
    return events.filter((e) => MARKER_KINDS.has(e.kind)).flatMap((event) => {
      const at = barIndexOf(bars, byDate, event.date);
      return at < 0 ? [] : [{ at, event }];
    });
  }, [bars, events]);
  const barSize = Math.max(1, Math.floor((plotW / Math.max(1, volume.length)) * 0.7));
  const markerTop = HEIGHT - X_AXIS_HEIGHT - 22;

  const onMove = (e: PointerEvent<HTMLElement>) => {
    if (n === 0) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left - plotLeft;
    setHover(x < 0 || x > plotW ? null : n <= 1 ? 0 : Math.round((x * (n - 1)) / plotW));
  };
  const hovered = hover !== null ? bars[hover] : undefined;
  const shown = marker !== null ? markers[marker] : undefined;
  const overlayAt = (i: number) => overlay?.points.find((p) => p.date === bars[i]?.date)?.value ?? null;

  return (
    <figure
      className="price-chart"
      ref={ref}
      data-testid="price-chart"
      data-mode={mode}
      data-points={line.length}
      data-volume-bars={volume.length}
      data-overlay-points={extra?.length ?? 0}
      onPointerMove={onMove}
      onPointerLeave={() => setHover(null)}
    >
      <figcaption className="visually-hidden">{label}</figcaption>
      {width > 0 && n > 0 && (
        <div aria-hidden="true">
          <ComposedChart width={width} height={HEIGHT} data={volume} margin={MARGIN} accessibilityLayer={false}>
            {/* Grid lines as reference lines at the given ticks: recharts' grid derives (and measures) its own ticks. */}
            {priceTicks.map((v) => (
              <ReferenceLine key={`grid-${v}`} yAxisId="price" y={v} stroke="var(--chart-grid)" ifOverflow="hidden" />
            ))}
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, Math.max(1, n - 1)]}
              ticks={ticks}
              tickFormatter={(i: number) => bars[i]?.date ?? ''}
              height={X_AXIS_HEIGHT}
              tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
              stroke="var(--chart-axis)"
              allowDataOverflow
              interval={0}
            />
            <YAxis
              yAxisId="price"
              width={AXIS_WIDTH}
              domain={priceDomain}
              ticks={priceTicks}
              interval={0}
              tickFormatter={(v: number) => String(Number(v.toPrecision(4)))}
              tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
              stroke="var(--chart-axis)"
              allowDataOverflow
            />
            <YAxis yAxisId="volume" hide domain={[0, volumeMax / VOLUME_SHARE]} interval={0} tick={false} allowDataOverflow />
            {overlayDomain && (
              <YAxis
                yAxisId="feature"
                orientation="right"
                width={AXIS_WIDTH}
                domain={overlayDomain}
                ticks={overlayTicks}
                interval={0}
                tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
                tick={{ fill: 'var(--chart-overlay)', fontSize: 11 }}
                stroke="var(--chart-overlay)"
                allowDataOverflow
              />
            )}
            {volume.length <= FEW_BARS ? (
              <Bar yAxisId="volume" dataKey="volume" barSize={barSize} fill="var(--border-strong)" isAnimationActive={false} className="chart-volume-bars" />
            ) : (
              <Area
                yAxisId="volume"
                dataKey="volume"
                type="step"
                fill="var(--border-strong)"
                stroke="none"
                fillOpacity={1}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
                className="chart-volume-bars"
              />
            )}
            <Line
              yAxisId="price"
              data={line}
              dataKey="y"
              type="linear"
              stroke="var(--chart-line)"
              strokeWidth={1.6}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
              className="chart-price-series"
            />
            {extra && (
              <Line
                yAxisId="feature"
                data={extra}
                dataKey="y"
                type="linear"
                stroke="var(--chart-overlay)"
                strokeWidth={1.2}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
                className="chart-overlay-series"
              />
            )}
            {markers.map((m, i) => (
              <ReferenceLine key={i} yAxisId="price" x={m.at} className={`chart-marker-rule marker-${m.event.kind}`} ifOverflow="hidden" />
            ))}
            {hover !== null && <ReferenceLine yAxisId="price" x={hover} stroke="var(--chart-axis)" strokeDasharray="3 3" />}
          </ComposedChart>
        </div>
      )}
      {/* Test and bench hooks: the drawn series exist once recharts has laid the chart out. */}
      {width > 0 && n > 0 && <span hidden data-testid="chart-drawn" />}
      {markers.map((m, i) => (
        <button
          key={`${m.event.kind}-${m.event.date}-${i}`}
          type="button"
          className={`chart-marker marker-${m.event.kind}`}
          style={{ left: xOf(m.at), top: markerTop }}
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
      {shown && <MarkerTooltip event={shown.event} bars={bars} at={shown.at} x={xOf(shown.at)} width={width} />}
      {!shown && hovered && hover !== null && (
        <div className="chart-tooltip" style={{ left: tooltipLeft(xOf(hover), width) }} data-testid="bar-tooltip">
          <strong>{formatTradingDate(hovered.date)}</strong>
          <div>
            Close {price(hovered.close)} · adjusted {price(hovered.adjClose)}
          </div>
          <div>Volume {formatCompactCount(hovered.volume)}</div>
          {overlay && (
            <div>
              {overlay.label} {overlayAt(hover)?.toPrecision(4) ?? '—'}
            </div>
          )}
        </div>
      )}
    </figure>
  );
});

export default PriceChart;
