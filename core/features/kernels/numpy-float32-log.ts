/**
 * numpy's float32 natural log as it runs on x86-64 with AVX2+FMA3 or AVX-512F (every machine Qlib
 * is usually run on): not the C library's logf but numpy's own vectorised kernel (`simd_log_FLOAT`
 * in numpy/core/src/umath/loops_exponent_log.dispatch.c.src), a 5th/5th-order rational
 * approximation evaluated with float32 fused multiply-adds; it differs from the correctly rounded
 * log in about 6% of inputs (up to ~4 ulp). Alpha158's CORR and CORD depend on it. The algorithm
 * (facts from numpy's source): split x into a mantissa m in [0.5, 1) and exponent e; if m <= sqrt(1/2)
 * double m and decrement e; y = m - 1; log = e*ln2 + P(y)/Q(y). Each step is reproduced in float32.
 */

const f = Math.fround;
/** A float32 constant from its bit pattern (numpy's constants are float literals; these are their exact values). */
const bitsToFloat = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
// NPY_COEFF_P0..P5_LOGf and NPY_COEFF_Q0..Q5_LOGf (numpy/core/src/common/npy_simd_data.h) as float32
const P = [0x00000000, 0x3f800000, 0x4007361c, 0x3fbd70a9, 0x3ec30333, 0x3cd42bcd].map(bitsToFloat);
const Q = [0x3f800000, 0x4027361c, 0x401cfe0d, 0x3f7c8ae4, 0x3e1e5bf3, 0x3bc083df].map(bitsToFloat);
const LN2 = bitsToFloat(0x3f317218); // NPY_LOGE2f
const SQRT1_2 = bitsToFloat(0x3f3504f3); // NPY_SQRT1_2f
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** numpy's np.log on a float32 value (returns the float32 result as a number). */
export function numpyLogFloat32(x: number): number {
  if (x !== x) return NaN;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  // getexp/getmant: x = m * 2^e with m in [0.5, 1), read from the float32 bits (denormals scaled first).
  F32[0] = x;
  let bits = U32[0]!;
  let e = (bits >>> 23) & 0xff;
  if (e === 0) {
    F32[0] = x * 2 ** 100;
    bits = U32[0]!;
    e = ((bits >>> 23) & 0xff) - 100;
  }
  e -= 126;
  U32[0] = (bits & 0x7fffff) | (126 << 23);
  let m = F32[0]!;
  if (m <= SQRT1_2) {
    m += m;
    e -= 1;
  }
  const y = m - 1; // exact (Sterbenz)
  let num = fma32(P[5]!, y, P[4]!);
  num = fma32(num, y, P[3]!);
  num = fma32(num, y, P[2]!);
  num = fma32(num, y, P[1]!);
  num = fma32(num, y, P[0]!);
  let den = fma32(Q[5]!, y, Q[4]!);
  den = fma32(den, y, Q[3]!);
  den = fma32(den, y, Q[2]!);
  den = fma32(den, y, Q[1]!);
  den = fma32(den, y, Q[0]!);
  const poly = f(num / den);
  return fma32(e, LN2, poly);
}

/**
 * A float32 fused multiply-add: round(a*b + c) once. a*b of two float32 values is exact in float64;
 * the float64 sum can round, and rounding that again to float32 can land on the wrong side of a
 * float32 halfway point, so the exact error of the sum decides ties.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s || !Number.isFinite(s)) return r;
  // Error of the float64 sum (Knuth's TwoSum); zero means s is the exact value.
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r;
  const other = 2 * s - r; // the float32 neighbour on the other side when s is a halfway point
  if (f(other) !== other || (r + other) / 2 !== s) return r; // s is not halfway: r is correct
  return err > 0 === other > r ? other : r;
}
