import { createMarket, type FullSimulatedMarket } from '../../../core/sources/simulator/market/index.ts';

/** A market small enough for unit tests that still has every kind of event (checked by the tests). */
export const TEST_MARKET = { seed: 20240917, tickers: 200, from: '2023-01-03', to: '2026-03-31' } as const;

let shared: FullSimulatedMarket | undefined;

/** One market per test file (vitest isolates files), built lazily. */
export function testMarket(): FullSimulatedMarket {
  shared ??= createMarket({ ...TEST_MARKET });
  return shared;
}

/** One parsed CSV row, numbers kept as printed. */
export interface CsvRow {
  ticker: string;
  volume: string;
  open: string;
  close: string;
  high: string;
  low: string;
  windowStart: string;
  transactions: string;
}

/** Splits a flat file's CSV text into its header and rows. */
export function parseCsv(text: string): { header: string; rows: CsvRow[] } {
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const [ticker, volume, open, close, high, low, windowStart, transactions] = line.split(',') as [string, string, string, string, string, string, string, string];
    rows.push({ ticker, volume, open, close, high, low, windowStart, transactions });
  }
  return { header, rows };
}

/** A printed decimal as an exact integer count of 10^-places units (no float rounding). */
export function decimalUnits(text: string, places: number): bigint {
  const [whole, frac = ''] = text.split('.');
  if (frac.length > places) throw new Error(`${text} has more than ${places} decimals`);
  return BigInt(whole as string) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, '0') || '0');
}

/** America/New_York wall-clock minutes since midnight of an instant given in ns. */
export function etMinuteOfDay(windowStartNs: string | bigint, etMidnightMs: number): number {
  return (Number(BigInt(windowStartNs) / 1_000_000n) - etMidnightMs) / 60_000;
}
