/**
 * Geometry of the Symbol page's chart, drawn as plain SVG (see the README's "The Symbol chart and
 * the main-thread budget" for why not recharts): the price band's scales, the close and overlay
 * lines as one path each, the volume bars as one path, axis ticks and marker positions. Pure
 * functions, apart from React, so they can be tested. Bars sit in equal slots by index (one per
 * trading day in the data, so weekends and holidays leave no gaps); bar i is centred in its slot,
 * so one bar sits in the middle and the first and last bars stay inside the plot. The series come
 * in already cut to the pixel columns they get (symbol-chart-series.ts), so a path holds at most
 * four points per column however many years are shown.
 */
import type { SymbolBarView, SymbolEventView } from '../../core/contract/contract-views.ts';
import type { ChartPoint, VolumeColumn } from './symbol-chart-series.ts';
import { linearScale } from './trend-geometry.ts';

/** The plot's horizontal extent and the number of bar slots across it. */
export interface SlotAxis {
  left: number;
  width: number;
  /** Bars (slots) across the width. */
  n: number;
}

/** x (pixels) of the centre of bar `i`'s slot. */
export function slotX(axis: SlotAxis, i: number): number {
  const n = Math.max(1, axis.n);
  return axis.left + ((i + 0.5) * axis.width) / n;
}

/** The bar whose slot holds pixel `x` (clamped to the first and last bar); -1 when there are no bars. */
export function slotAt(axis: SlotAxis, x: number): number {
  if (axis.n <= 0) return -1;
  const i = Math.floor(((x - axis.left) * axis.n) / Math.max(1e-9, axis.width));
  return Math.max(0, Math.min(axis.n - 1, i));
}

const fmt = (v: number) => v.toFixed(1);

/**
 * One SVG path through the points (x = bar index), broken where y is null (a day without a value)
 * so it never joins across a hole. A point with a hole on both sides becomes a zero-length
 * segment, which the series' round line cap draws as a dot.
 */
export function linePath(points: readonly ChartPoint[], axis: SlotAxis, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let k = 0; k < points.length; k++) {
    const p = points[k]!;
    if (p.y === null || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    const next = points[k + 1];
    const alone = !pen && (next === undefined || next.y === null || !Number.isFinite(next.y));
    d += `${pen ? 'L' : 'M'}${fmt(slotX(axis, p.x))},${fmt(y(p.y))}${alone ? 'h0' : ''}`;
    pen = true;
  }
  return d;
}

/**
 * One SVG path holding every volume bar, standing on `base` and reaching up to `height` for the
 * largest volume `max`. A column covers the slots of the days `from`..`to`; columns of 3 px or more
 * leave a fifth of their width as a gap, narrower ones fill their column (a sub-pixel gap only
 * blurs). Columns without volume draw nothing.
 */
export function volumePath(columns: readonly VolumeColumn[], axis: SlotAxis, base: number, height: number, max: number): string {
  const n = Math.max(1, axis.n);
  const slot = axis.width / n;
  let d = '';
  for (const c of columns) {
    if (!(c.volume > 0) || !(max > 0)) continue;
    const x0 = axis.left + c.from * slot;
    const span = (c.to - c.from + 1) * slot;
    const gap = span >= 3 ? span * 0.2 : 0;
    const h = Math.min(1, c.volume / max) * height;
    d += `M${fmt(x0 + gap / 2)},${fmt(base)}v${fmt(-h)}h${fmt(Math.max(0.5, span - gap))}v${fmt(h)}z`;
  }
  return d;
}

/** A tick on a value axis: its value, label and pixel y. */
export interface ValueTick {
  value: number;
  label: string;
  y: number;
}

/** Value ticks placed by `y`, labelled with `digits` significant digits (trailing zeros dropped). */
export function valueTicks(values: readonly number[], y: (v: number) => number, digits: number): ValueTick[] {
  return values.map((value) => ({ value, label: String(Number(value.toPrecision(digits))), y: y(value) }));
}

/** A date label on the x axis; the first and last are anchored inward so the chart's edges do not cut them. */
export interface DateTick {
  x: number;
  date: string;
  anchor: 'start' | 'middle' | 'end';
}

/** Date ticks at the given bar indices. */
export function dateTicks(bars: readonly SymbolBarView[], indices: readonly number[], axis: SlotAxis): DateTick[] {
  return indices.flatMap((i, k) => {
    const bar = bars[i];
    if (!bar) return [];
    const anchor = indices.length > 1 && k === 0 ? 'start' : indices.length > 1 && k === indices.length - 1 ? 'end' : 'middle';
    return [{ x: slotX(axis, i), date: bar.date, anchor }];
  });
}

/** A corporate action placed on the chart: the bar it sits on. */
export interface PlacedMarker {
  at: number;
  event: SymbolEventView;
}

const MARKER_KINDS = new Set(['split', 'dividend', 'ticker_change']);

/**
 * The splits, dividends and ticker changes of `events`, each on its own day's bar or, for a day
 * without a bar (a weekend ex-date), on the next bar; actions after the last bar are left out.
 */
export function placeMarkers(bars: readonly SymbolBarView[], events: readonly SymbolEventView[]): PlacedMarker[] {
  const byDate = new Map(bars.map((b, i) => [b.date, i]));
  return events
    .filter((e) => MARKER_KINDS.has(e.kind))
    .flatMap((event) => {
      const at = byDate.get(event.date) ?? bars.findIndex((b) => b.date >= event.date);
      return at < 0 ? [] : [{ at, event }];
    });
}

/** A y scale over `domain` (low to high) onto the band from `bottom` up to `top` (pixels grow downwards). */
export function bandScale(domain: readonly [number, number], bottom: number, top: number): (v: number) => number {
  return linearScale(domain[0], domain[1], bottom, top);
}
