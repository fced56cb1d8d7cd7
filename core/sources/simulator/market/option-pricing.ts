/** Risk-free rate used for every option price. */
const RATE = 0.04;

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, absolute error below 1.5e-7). */
export function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Black-Scholes value of an option, floored at intrinsic value (listed US options are American, so
 * a put never trades below what exercising it pays). `years` is the time left to expiry; the
 * volatility is `atmVol` with a smile that rises away from the money.
 */
export function optionValue(call: boolean, spot: number, strike: number, years: number, atmVol: number): number {
  const intrinsic = call ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
  if (years <= 0) return intrinsic;
  const moneyness = Math.log(spot / strike);
  const vol = atmVol * (1 + Math.min(1.5, 0.9 * Math.abs(moneyness)));
  const sd = vol * Math.sqrt(years);
  const d1 = (moneyness + (RATE + 0.5 * vol * vol) * years) / sd;
  const d2 = d1 - sd;
  const discounted = strike * Math.exp(-RATE * years);
  const value = call ? spot * normCdf(d1) - discounted * normCdf(d2) : discounted * normCdf(-d2) - spot * normCdf(-d1);
  return Math.max(value, intrinsic);
}
