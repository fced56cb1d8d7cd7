import { describe, expect, it } from 'vitest';
import { fma32, numpyLogFloat32 } from '../../../core/features/kernels/numpy-float32-log.ts';
import { formatG9 } from '../../../core/features/output/format-g9.ts';

const fromBits = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;

describe("C's %.9g for float32 values (what Qlib's CSV holds)", () => {
  // [float32 value, Python's '%.9g' % value]
  const cases: Array<[number, string]> = [
    [1234567.125, '1234567.12'], // an exact tie: ties go to even (JavaScript's toExponential would round up)
    [-1234567.125, '-1234567.12'],
    [6.103515625e-5, '6.10351562e-05'], // a tie in exponential notation
    [0.0003662109375, '0.000366210938'], // a tie rounding up to even
    [9.00035011e-5, '9.00035011e-05'], // value x 10^13 is just below an integer: the float64 product rounds onto it
    [0.5, '0.5'],
    [1e-5, '9.99999975e-06'],
    [1e-4, '9.99999975e-05'],
    [123456789, '123456792'],
    [1e9, '1e+09'],
    [3.4028234663852886e38, '3.40282347e+38'],
    [1.401298464324817e-45, '1.40129846e-45'],
    [1.1754943508222875e-38, '1.17549435e-38'],
    [100000000, '100000000'],
    [999999936, '999999936'],
    [0.000123456789, '0.00012345679'],
    [99999.9921875, '99999.9922'],
    [123456.5, '123456.5'],
    [2.5e-7, '2.49999999e-07'],
    [-0, '-0'],
    [0, '0'],
    [1, '1'],
    [-1, '-1'],
    [0.1, '0.100000001'],
    [1 / 3, '0.333333343'],
    [65536.0078125, '65536.0078'],
    [9.9999e-15, '9.99989987e-15'],
    [1e16, '1.00000003e+16'],
    [123456789012, '1.23456791e+11'],
    [0.000999999931, '0.000999999931'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  it.each(cases)('%s -> %s', (v, text) => expect(formatG9(v)).toBe(text));
  it('round-trips every float32 it prints', () => {
    for (let i = 0; i < 20000; i++) {
      const v = fromBits((Math.random() * 0x7f7fffff) >>> 0) * (i % 2 ? -1 : 1);
      expect(Math.fround(Number(formatG9(v)))).toBe(v);
    }
  });
});

describe("numpy's float32 log (AVX2/AVX-512 kernel), not the correctly rounded one", () => {
  // [input bits, numpy np.log output bits]; the first five differ from the correctly rounded log
  const cases: Array<[number, number]> = [
    [0x40420b71, 0x3f8dfa71],
    [0x4027e16b, 0x3f76e0ec],
    [0x3f1f9d6c, 0xbef1e026],
    [0x410323e9, 0x4006a2ad],
    [0x3f50c653, 0xbe50d0dc],
    [0x3f800000, 0x00000000],
    [0x40000000, 0x3f317218],
    [0x000116c2, 0xc2b834f2], // a denormal
    [0x7f7fffff, 0x42b17218],
    [0x3f800001, 0x33fffffe],
    [0x3f7fffff, 0xb3800001],
  ];
  it.each(cases)('log(bits %i)', (inBits, outBits) => {
    const got = Math.fround(numpyLogFloat32(fromBits(inBits)));
    expect(got).toBe(fromBits(outBits));
  });
  it('keeps the special cases', () => {
    expect(numpyLogFloat32(0)).toBe(-Infinity);
    expect(numpyLogFloat32(-1)).toBeNaN();
    expect(numpyLogFloat32(Infinity)).toBe(Infinity);
    expect(numpyLogFloat32(NaN)).toBeNaN();
  });
  it('fma32 rounds once, even where the float64 sum lands on a float32 halfway point', () => {
    // a*b = 2^-24 (1 - 2^-36), c = 1 + 2^-23: the exact sum is just below the halfway point c + 2^-24,
    // the float64 sum is exactly on it, and rounding that to float32 (ties to even) would go up
    const a = 1 + 2 ** -18;
    const b = 2 ** -24 * (1 - 2 ** -18);
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fma32(a, b, c)).toBe(c);
    expect(fma32(a, -b, -c)).toBe(-c);
    expect(fma32(2, 3, 1)).toBe(7);
    expect(fma32(Math.fround(1 + 2 ** -23), Math.fround(1 + 2 ** -23), -1)).toBe(Math.fround(2 ** -22 + 2 ** -46));
  });
});
