/** An OCC option contract ticker split into its parts. */
export interface OptionTickerParts {
  underlying: string;
  expiration: string;
  contractType: 'call' | 'put';
  strike: number;
}

// O:{root}{YYMMDD}{C|P}{strike x 1000, 8 digits}. The root is everything between "O:" and the fixed
// 15-character tail, so adjusted roots with digits (e.g. O:AAPL1...) parse too.
const OPTION_TICKER = /^O:([A-Z0-9.]{1,10})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/** Parses an OCC option ticker such as `O:SPY230327P00390000`; null when it is not one. */
export function parseOptionTicker(ticker: string): OptionTickerParts | null {
  const m = OPTION_TICKER.exec(ticker);
  if (!m) return null;
  const [, underlying, yy, mm, dd, cp, strike] = m as unknown as [string, string, string, string, string, string, string];
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const expiration = `20${yy}-${mm}-${dd}`;
  const probe = new Date(`${expiration}T00:00:00Z`);
  if (Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== expiration) return null;
  return { underlying, expiration, contractType: cp === 'C' ? 'call' : 'put', strike: Number(strike) / 1000 };
}
