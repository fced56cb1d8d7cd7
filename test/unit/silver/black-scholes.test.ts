import { describe, expect, it } from 'vitest';
import { blackScholesDelta, blackScholesPrice, impliedVolatility, normalCdf } from '../../../core/layers/silver/black-scholes.ts';

describe('Black-Scholes', () => {
  it('the normal CDF matches known values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    // The far tail uses a short continued fraction: relative error about 1e-8 there.
    expect(Math.abs(normalCdf(-8) / 6.22096057427178e-16 - 1)).toBeLessThan(1e-7);
  });

  it('prices the textbook call (S 100, K 100, T 1, r 5%, vol 20%) and satisfies put-call parity', () => {
    const call = { s: 100, k: 100, t: 1, r: 0.05, call: true };
    expect(blackScholesPrice(call, 0.2)).toBeCloseTo(10.450583572185565, 10);
    const put = { ...call, call: false };
    expect(blackScholesPrice(call, 0.2) - blackScholesPrice(put, 0.2)).toBeCloseTo(100 - 100 * Math.exp(-0.05), 12);
    expect(blackScholesDelta(call, 0.2)).toBeCloseTo(0.6368306511756191, 12);
    expect(blackScholesDelta(put, 0.2)).toBeCloseTo(0.6368306511756191 - 1, 12);
  });

  it('recovers the volatility a price was made with, and has no solution below intrinsic value', () => {
    const o = { s: 50, k: 55, t: 30 / 365, r: 0.04, call: false };
    expect(impliedVolatility(o, blackScholesPrice(o, 0.35))).toBeCloseTo(0.35, 9);
    expect(impliedVolatility(o, 4.5)).toBeNull();
    expect(impliedVolatility({ ...o, t: 0 }, 5)).toBeNull();
  });
});
