/**
 * Geometry of the memory gauge: a 240° arc opening at the bottom, 0% at the lower left and 100%
 * at the lower right. Angles are in degrees clockwise from 12 o'clock.
 */

export const GAUGE_START = -120;
export const GAUGE_END = 120;

/** The angle of a percentage (clamped to 0-100). */
export function percentToAngle(percent: number): number {
  const p = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  return GAUGE_START + ((GAUGE_END - GAUGE_START) * p) / 100;
}

/** The point at `angle` on a circle. */
export function polar(cx: number, cy: number, r: number, angle: number): { x: number; y: number } {
  const rad = (angle * Math.PI) / 180;
  return { x: cx + r * Math.sin(rad), y: cy - r * Math.cos(rad) };
}

/** SVG path of an arc from `from` to `to` degrees (clockwise); empty when the span is zero. */
export function arcPath(cx: number, cy: number, r: number, from: number, to: number): string {
  if (to <= from) return '';
  const a = polar(cx, cy, r, from);
  const b = polar(cx, cy, r, to);
  const large = to - from > 180 ? 1 : 0;
  const f = (n: number) => Number(n.toFixed(2));
  return `M ${f(a.x)} ${f(a.y)} A ${r} ${r} 0 ${large} 1 ${f(b.x)} ${f(b.y)}`;
}

/** The three bands (normal, warning, critical) as angle spans, from the thresholds in percent. */
export function gaugeBands(warningPercent: number, criticalPercent: number): Array<{ level: 'normal' | 'warning' | 'critical'; from: number; to: number }> {
  const warn = Math.min(warningPercent, criticalPercent);
  return [
    { level: 'normal', from: percentToAngle(0), to: percentToAngle(warn) },
    { level: 'warning', from: percentToAngle(warn), to: percentToAngle(criticalPercent) },
    { level: 'critical', from: percentToAngle(criticalPercent), to: percentToAngle(100) },
  ];
}
