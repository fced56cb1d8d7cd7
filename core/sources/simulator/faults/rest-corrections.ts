import type { SimDividend } from '../simulator-types.ts';
import type { CorrectionFault } from './fault-types.ts';

/** What a dividend correction adds to the cash amount: one cent, visible at any amount's precision. */
export const DIVIDEND_CORRECTION = 0.01;

/**
 * The dividends as served at `now`: each correction in force since an instant at or before `now`
 * raises the cash amount of the dividend it names (its ex-date, and its ticker or the first by
 * ticker) by one cent. Ids stay, so a client sees the same record with a new amount.
 */
export function correctDividends(
  rows: readonly SimDividend[],
  corrections: ReadonlyArray<CorrectionFault & { since: Date }>,
  now: Date,
): readonly SimDividend[] {
  const due = corrections.filter((c) => c.kind === 'dividend-corrected' && c.since.getTime() <= now.getTime());
  if (due.length === 0) return rows;
  const changed = new Map<SimDividend, SimDividend>();
  for (const c of due) {
    const target = rows
      .filter((d) => d.exDividendDate === c.date && (c.ticker === undefined || d.ticker === c.ticker))
      .sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0))[0];
    if (!target) continue;
    const current = changed.get(target) ?? target;
    changed.set(target, { ...current, cashAmount: Math.round((current.cashAmount + DIVIDEND_CORRECTION) * 10_000) / 10_000 });
  }
  return rows.map((d) => changed.get(d) ?? d);
}
