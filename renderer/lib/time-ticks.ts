/**
 * Round clock-time ticks for a time axis (every 10 s, 30 s, 1 min, ... as the span needs), so a
 * chart can be given its ticks instead of measuring every candidate label to thin them out.
 */

const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** At most `maxTicks` multiples of a round step within [from, to] (epoch ms), ascending. */
export function timeTicks(from: number, to: number, maxTicks: number): number[] {
  if (!(to > from) || maxTicks < 1) return Number.isFinite(from) ? [from] : [];
  const span = to - from;
  const step = STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
