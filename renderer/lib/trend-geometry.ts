/**
 * Geometry of a small time-series chart drawn as plain SVG: linear scales, the line and area
 * paths, and the sample nearest a pointer. Kept apart from the component so it can be tested.
 */

export interface TrendPoint {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

/** The plotting area inside the chart's margins, in pixels. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0;
  if (span === 0) return () => r0;
  const k = (r1 - r0) / span;
  return (x) => r0 + (x - d0) * k;
}

/** SVG path data of the line through the points and of the area under it (down to `vMin`). */
export function trendPaths(points: readonly TrendPoint[], box: PlotBox, tDomain: readonly [number, number], vDomain: readonly [number, number]): { line: string; area: string } {
  if (points.length === 0) return { line: '', area: '' };
  const x = linearScale(tDomain[0], tDomain[1], box.left, box.left + box.width);
  const y = linearScale(vDomain[0], vDomain[1], box.top + box.height, box.top);
  const clampV = (v: number) => Math.min(vDomain[1], Math.max(vDomain[0], v));
  let line = '';
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    line += `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(clampV(p.v)).toFixed(1)}`;
  }
  const base = (box.top + box.height).toFixed(1);
  const first = x(points[0]!.t).toFixed(1);
  const last = x(points[points.length - 1]!.t).toFixed(1);
  return { line, area: `${line}L${last},${base}L${first},${base}Z` };
}

/** Index of the point whose time is nearest `t` (points sorted by time), or -1 when there are none. */
export function nearestIndex(points: readonly TrendPoint[], t: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1]!.t - t) <= Math.abs(points[lo]!.t - t)) return lo - 1;
  return lo;
}
