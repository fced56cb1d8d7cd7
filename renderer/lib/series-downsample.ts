/**
 * Series cut down to the pixels they are drawn on: a chart 900 pixels wide shows 20 years of days
 * (5,000 points) as 900 columns, and drawing more points than columns only costs main-thread time.
 * Each column keeps its first, lowest, highest and last point, so spikes and gaps stay visible and
 * the picture is the same as drawing every point.
 */

/** Indices (ascending) of the points to draw for `n` points over `columns` pixel columns. */
export function minMaxIndices(values: ArrayLike<number>, columns: number): number[] {
  const n = values.length;
  if (n <= columns * 4 || columns <= 0) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    const start = Math.floor((c * n) / columns);
    const end = Math.floor(((c + 1) * n) / columns);
    if (end <= start) continue;
    // Extremes among the column's finite values only: a NaN first value would otherwise win every
    // comparison (all are false) and hide the column's real low and high.
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    const keep = lo < 0 ? [start, end - 1] : [start, lo, hi, end - 1];
    for (const i of keep.sort((a, b) => a - b)) if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/** The largest value in each of `columns` equal runs of the series (volume bars: one per column). */
export function columnMaxima(values: ArrayLike<number>, columns: number): Array<{ from: number; to: number; max: number }> {
  const n = values.length;
  const cols = Math.max(1, Math.min(columns, n));
  const out: Array<{ from: number; to: number; max: number }> = [];
  for (let c = 0; c < cols; c++) {
    const from = Math.floor((c * n) / cols);
    const to = Math.floor(((c + 1) * n) / cols);
    if (to <= from) continue;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = from; i < to; i++) if (values[i]! > max) max = values[i]!;
    out.push({ from, to: to - 1, max });
  }
  return out;
}
