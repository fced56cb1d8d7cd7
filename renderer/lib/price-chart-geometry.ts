/**
 * Geometry of the Symbol page's chart, apart from React so it can be tested: the close line (raw
 * or adjusted) over a price band, volume bars under it, and x positions of corporate-action
 * markers. Days are placed by index (one slot per trading day in the data), so weekends and
 * holidays leave no gaps, as on any daily price chart.
 */
import type { SymbolBarView, SymbolEventView } from '../../core/contract/contract-views.ts';
import { columnMaxima, minMaxIndices } from './series-downsample.ts';
import { linearScale } from './trend-geometry.ts';

export type PriceMode = 'raw' | 'adjusted';

export interface PriceChartGeometry {
  /** SVG path of the close line. */
  line: string;
  /** One SVG path holding every volume bar (one element, however many days). */
  volume: string;
  priceTicks: Array<{ y: number; value: number }>;
  dateTicks: Array<{ x: number; date: string }>;
  markers: Array<{ x: number; y: number; event: SymbolEventView }>;
  /** Points drawn (after downsampling), for the bench and tests. */
  points: number;
  /** x of each bar's slot centre (for hover look-up by index). */
  xOf: (index: number) => number;
  indexAt: (x: number) => number;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Height of the volume band at the bottom of the plot. */
  volumeHeight: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Lays out the chart for `bars` (ascending by date) in `box`. */
export function priceChartGeometry(
  bars: readonly SymbolBarView[],
  events: readonly SymbolEventView[],
  mode: PriceMode,
  box: ChartBox,
): PriceChartGeometry {
  const plotW = Math.max(1, box.width - box.left - box.right);
  const priceBottom = box.height - box.bottom - box.volumeHeight - 8;
  const n = bars.length;
  const xOf = (i: number) => box.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const indexAt = (x: number) => (n <= 1 ? 0 : Math.max(0, Math.min(n - 1, Math.round(((x - box.left) * (n - 1)) / plotW))));
  const closes = bars.map((b) => (mode === 'raw' ? b.close : b.adjClose));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of closes) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 1;
  const y = linearScale(lo - pad, hi + pad, priceBottom, box.top);
  let line = '';
  let pen = false;
  for (const i of minMaxIndices(closes, plotW)) {
    const v = closes[i]!;
    // A day without a close breaks the line rather than joining across it.
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    line += `${pen ? 'L' : 'M'}${xOf(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  const volumes = bars.map((b) => (Number.isFinite(b.volume) ? b.volume : 0));
  const vMax = Math.max(1, ...columnMaxima(volumes, plotW).map((c) => c.max));
  const vBase = box.height - box.bottom;
  let volume = '';
  const slot = n <= 1 ? plotW : plotW / Math.max(1, n - 1);
  for (const c of columnMaxima(volumes, plotW)) {
    const x0 = xOf(c.from) - slot / 2;
    const x1 = xOf(c.to) + slot / 2;
    const w = Math.max(1, (x1 - x0) * 0.8);
    const h = (c.max / vMax) * box.volumeHeight;
    volume += `M${(x0 + (x1 - x0 - w) / 2).toFixed(1)},${vBase}v${(-h).toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}z`;
  }
  const byDate = new Map(bars.map((b, i) => [b.date, i]));
  const markers = events
    .filter((e) => e.kind === 'split' || e.kind === 'dividend' || e.kind === 'ticker_change')
    .flatMap((event) => {
      // An action on a day without a bar (a weekend ex-date) sits on the next bar.
      let i = byDate.get(event.date);
      if (i === undefined) i = bars.findIndex((b) => b.date >= event.date);
      if (i < 0) return [];
      return [{ x: xOf(i), y: priceBottom + 4, event }];
    });
  const priceTicks = niceTicks(lo, hi, 4).map((value) => ({ value, y: y(value) }));
  const tickCount = Math.max(2, Math.min(6, Math.floor(plotW / 140)));
  const tickAt = (k: number) => Math.round((k * (n - 1)) / Math.max(1, tickCount - 1));
  const tickIndices = new Set(Array.from({ length: n === 0 ? 0 : tickCount }, (_, k) => tickAt(k)));
  const dateTicks = [...tickIndices].map((i) => ({ x: xOf(i), date: bars[i]!.date }));
  return { line, volume, priceTicks, dateTicks, markers, points: line.split(/[ML]/).length - 1, xOf, indexAt };
}
