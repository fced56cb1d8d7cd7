/**
 * The Symbol chart's series, cut to the pixels they are drawn on. x is the bar's
 * index (one slot per trading day in the data, so weekends and holidays leave no gaps). The close
 * and the overlay keep each pixel column's first, lowest, highest and last point (minMaxIndices),
 * so 20 years of days draw the same picture as every point; volume keeps each column's largest bar.
 */
import type { SymbolBarView } from '../../core/contract/contract-views.ts';
import { columnMaxima, minMaxIndices } from './series-downsample.ts';

export type PriceMode = 'raw' | 'adjusted';

/** One drawn point; `y` null breaks the line (a day without a value). */
export interface ChartPoint {
  x: number;
  y: number | null;
}

/** One drawn volume bar: the largest volume of the days `from`..`to` (bar indices), centred between them at `x`. */
export interface VolumeColumn {
  x: number;
  from: number;
  to: number;
  volume: number;
}

/** The close (raw or adjusted) as points, downsampled to `columns` pixel columns. */
export function priceSeries(bars: readonly SymbolBarView[], mode: PriceMode, columns: number): ChartPoint[] {
  const values = Float64Array.from(bars, (b) => (mode === 'raw' ? b.close : b.adjClose));
  return downsamplePoints(values, columns);
}

/**
 * Points of `values` (index = x) for `columns` pixel columns. A value that is not finite becomes a
 * null point that breaks the line when every point is kept; when a column holds several days, its
 * extremes are taken among its finite values (a one-day hole is narrower than a pixel).
 */
export function downsamplePoints(values: Float64Array, columns: number): ChartPoint[] {
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  return minMaxIndices(values, columns).map((i) => ({ x: i, y: finite(values[i]) ? values[i] : null }));
}

/** The volume bars for `columns` pixel columns (one bar per column, or per day when there are fewer days). */
export function volumeSeries(bars: readonly SymbolBarView[], columns: number): VolumeColumn[] {
  const volumes = Float64Array.from(bars, (b) => (Number.isFinite(b.volume) ? b.volume : 0));
  return columnMaxima(volumes, columns).map((c) => ({ x: (c.from + c.to) / 2, from: c.from, to: c.to, volume: c.max }));
}

/** A feature's values placed on the bars' x (days without a bar are dropped), downsampled like the close. */
export function overlaySeries(
  bars: readonly SymbolBarView[],
  points: ReadonlyArray<{ date: string; value: number | null }>,
  columns: number,
): ChartPoint[] {
  const values = new Float64Array(bars.length).fill(Number.NaN);
  const index = new Map(bars.map((b, i) => [b.date, i]));
  for (const p of points) {
    const i = index.get(p.date);
    if (i !== undefined && p.value !== null) values[i] = p.value;
  }
  return downsamplePoints(values, columns);
}

/** The lowest and highest finite y of the points, padded by 6 % (a flat series gets a band around it). */
export function paddedExtent(points: readonly ChartPoint[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.y === null) continue;
    if (p.y < lo) lo = p.y;
    if (p.y > hi) hi = p.y;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

/** Up to `count` evenly spaced bar indices for date labels, first and last included. */
export function dateTickIndices(n: number, count: number): number[] {
  if (n <= 0) return [];
  const k = Math.max(2, count);
  return [...new Set(Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1))))];
}

/** Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) inside [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
