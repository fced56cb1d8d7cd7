import { mix, normalOf } from './hash-rng.ts';

/**
 * Levels of the dyadic construction: 2^14 = 16,384 trading days (about 65 years) from the start of
 * the range. The horizon is fixed, not taken from the range's end, so extending `to` never changes
 * a price already simulated.
 */
export const BRIDGE_LEVELS = 14;
/** Trading days the price paths cover from the start of the range. */
export const BRIDGE_SPAN = 1 << BRIDGE_LEVELS;

/**
 * Value at integer time `t` (0..BRIDGE_SPAN) of a standard Brownian motion with W(0) = 0, built by
 * Levy's midpoint construction: each dyadic midpoint is drawn from its two endpoints with a normal
 * seeded by (key, midpoint). Any point costs BRIDGE_LEVELS normals, yet all points are one
 * consistent path, which is what lets a day be priced without walking through the days before it.
 */
export function brownianAt(key: number, t: number): number {
  if (t <= 0) return 0;
  let lo = 0;
  let hi = BRIDGE_SPAN;
  let wLo = 0;
  let wHi = Math.sqrt(BRIDGE_SPAN) * normalOf(mix(key, BRIDGE_SPAN));
  // Each integer in 1..SPAN-1 is the midpoint of exactly one dyadic interval, so it can name its node.
  while (t !== hi) {
    const mid = (lo + hi) >>> 1;
    const wMid = 0.5 * (wLo + wHi) + 0.5 * Math.sqrt(hi - lo) * normalOf(mix(key, mid));
    if (t === mid) return wMid;
    if (t < mid) {
      hi = mid;
      wHi = wMid;
    } else {
      lo = mid;
      wLo = wMid;
    }
  }
  return wHi;
}
