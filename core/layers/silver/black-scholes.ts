/**
 * Black-Scholes without dividends, for implied volatility and delta of option closes. The normal
 * CDF is Hart's double-precision rational approximation (as published by West, "Better
 * approximations to cumulative normal functions", 2005): absolute error near 1e-15, so an implied
 * volatility found here is limited by the price's own precision, not by the CDF.
 */

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) tail = 0;
  else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 8.83883476483184e-2 * a + 1.75566716318264;
      d = d * a + 16.064177579207;
      d = d * a + 86.7807322029461;
      d = d * a + 296.564248779674;
      d = d * a + 637.333633378831;
      d = d * a + 793.826512519948;
      d = d * a + 440.413735824752;
      tail = (e * n) / d;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** One contract's inputs: underlying S, strike K, years to expiry T, rate r (continuous), call or put. */
export interface OptionInputs {
  s: number;
  k: number;
  t: number;
  r: number;
  call: boolean;
}

function d1Of(o: OptionInputs, vol: number): number {
  return (Math.log(o.s / o.k) + (o.r + (vol * vol) / 2) * o.t) / (vol * Math.sqrt(o.t));
}

/** The Black-Scholes price at volatility `vol`. */
export function blackScholesPrice(o: OptionInputs, vol: number): number {
  const d1 = d1Of(o, vol);
  const d2 = d1 - vol * Math.sqrt(o.t);
  const df = Math.exp(-o.r * o.t);
  return o.call ? o.s * normalCdf(d1) - o.k * df * normalCdf(d2) : o.k * df * normalCdf(-d2) - o.s * normalCdf(-d1);
}

/** Delta at volatility `vol`. */
export function blackScholesDelta(o: OptionInputs, vol: number): number {
  const n = normalCdf(d1Of(o, vol));
  return o.call ? n : n - 1;
}

const VOL_LOW = 1e-6;
const VOL_HIGH = 10;

/**
 * The volatility whose price equals `price`, or null when none in [1e-6, 10] does (a price at or
 * below the discounted intrinsic value, or above the no-arbitrage bound). Bisection on a price that
 * is increasing in volatility: slower than Newton, but it cannot leave the bracket or stall on a
 * flat vega far from the money.
 */
export function impliedVolatility(o: OptionInputs, price: number): number | null {
  if (!(o.s > 0 && o.k > 0 && o.t > 0 && price > 0) || !Number.isFinite(price)) return null;
  let lo = VOL_LOW;
  let hi = VOL_HIGH;
  const plo = blackScholesPrice(o, lo);
  const phi = blackScholesPrice(o, hi);
  if (!(price > plo && price < phi)) return null;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (blackScholesPrice(o, mid) < price) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
