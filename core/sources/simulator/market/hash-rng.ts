// Counter-based randomness: every (seed, purpose, entity, day, ...) tuple hashes to its own PRNG
// state, so any day of any ticker can be computed without computing what came before it.

const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one 32-bit integer into a running hash (MurmurHash3 body step plus finaliser). */
export function mix(h: number, x: number): number {
  let k = Math.imul(x | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let g = (h | 0) ^ k;
  g = (g << 13) | (g >>> 19);
  g = (Math.imul(g, 5) + 0xe6546b64) | 0;
  return fmix32(g);
}

/** The 32-bit base hash of a user seed; seeds up to 2^53 in magnitude keep all their bits. */
export function seedHash(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) | 0;
  return mix(mix(0x51ed270b, lo), hi);
}

/** A uniform number in [0, 1) from a 32-bit hash. */
export function unitOf(h: number): number {
  return (h >>> 0) / TWO_POW_32;
}

/** A standard normal number from a 32-bit hash (Box-Muller on two derived uniforms). */
export function normalOf(h: number): number {
  const u1 = (fmix32(h ^ 0x2545f491) + 1) / (TWO_POW_32 + 1);
  const u2 = fmix32(h + 0x6a09e667) / TWO_POW_32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Standard normal quantiles at 4,097 evenly spaced probabilities, for table-driven normal draws. */
const NORMAL_TABLE_BITS = 12;
const NORMAL_TABLE = buildNormalTable(1 << NORMAL_TABLE_BITS);

/** Inverse normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function buildNormalTable(size: number): Float64Array {
  const t = new Float64Array(size + 1);
  for (let i = 0; i <= size; i++) t[i] = inverseNormal(Math.min(1 - 1e-5, Math.max(1e-5, i / size)));
  return t;
}

/**
 * A small, fast PRNG (mulberry32) with normal draws; one per (security, day) stream. A class rather
 * than a closure bundle because hundreds of thousands are created per rendered day.
 */
export class Rng {
  private a: number;

  constructor(state: number) {
    this.a = state | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) | 0;
    let t = Math.imul(this.a ^ (this.a >>> 15), 1 | this.a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Approximately standard normal: the inverse CDF interpolated in a 4,096-step table (tails cut
   * near +-4.3), several times cheaper than Box-Muller and ample for market noise.
   */
  normal(): number {
    const x = this.next() * (1 << NORMAL_TABLE_BITS);
    const i = x | 0;
    const lo = NORMAL_TABLE[i] as number;
    return lo + ((NORMAL_TABLE[i + 1] as number) - lo) * (x - i);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** Creates a PRNG whose whole sequence is fixed by a 32-bit state. */
export function createRng(state: number): Rng {
  return new Rng(state);
}
