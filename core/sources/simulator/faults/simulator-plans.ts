import { etDateOf } from '../../../calendar/index.ts';
import type { IsoDate } from '../simulator-types.ts';

// Entitlements as Massive sells them (polygon-massive.md, "Plan gating"): Basic has no flat files,
// 5 REST calls a minute and 2 years of history; paid tiers have flat files with a history window
// (QM's Starter account saw 5 years of stocks, 2 of options) and unlimited calls. Older dates stay
// listable but answer 403, exactly like the real bucket.

/** Plan names, as in the config schema. */
export type PlanName = 'basic' | 'starter' | 'developer' | 'advanced' | 'business';

/** What a plan is entitled to. */
export interface PlanEntitlements {
  name: PlanName;
  /** Whether the plan can read flat files at all. */
  flatFiles: boolean;
  /** Years of flat-file history back from today (null = all history). */
  stocksFileYears: number | null;
  optionsFileYears: number | null;
  /** Years of REST market data (aggregates) back from today (null = all). */
  restYears: number | null;
  /** REST requests per minute (null = unlimited). */
  restPerMinute: number | null;
  /** Whether /vX/reference/financials is included. */
  financials: boolean;
}

export const PLANS: Readonly<Record<PlanName, PlanEntitlements>> = {
  basic: { name: 'basic', flatFiles: false, stocksFileYears: 0, optionsFileYears: 0, restYears: 2, restPerMinute: 5, financials: false },
  starter: { name: 'starter', flatFiles: true, stocksFileYears: 5, optionsFileYears: 2, restYears: 5, restPerMinute: null, financials: false },
  developer: { name: 'developer', flatFiles: true, stocksFileYears: 10, optionsFileYears: 4, restYears: 10, restPerMinute: null, financials: false },
  advanced: { name: 'advanced', flatFiles: true, stocksFileYears: null, optionsFileYears: null, restYears: null, restPerMinute: null, financials: true },
  business: { name: 'business', flatFiles: true, stocksFileYears: null, optionsFileYears: null, restYears: null, restPerMinute: null, financials: true },
};

/** The plan of a name; throws naming the known plans. */
export function planNamed(name: string): PlanEntitlements {
  const plan = PLANS[name as PlanName];
  if (!plan) throw new Error(`unknown plan "${name}" (known: ${Object.keys(PLANS).join(', ')})`);
  return plan;
}

/** The same month and day `years` earlier (29 Feb falls back to 28 Feb). */
function yearsBefore(date: IsoDate, years: number): IsoDate {
  const y = Number(date.slice(0, 4)) - years;
  const md = date.slice(5);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
}

/** First date a plan may read for a history window of `years` (null = no limit), as of `now`. */
export function historyStart(years: number | null, now: Date): IsoDate | null {
  return years === null ? null : yearsBefore(etDateOf(now), years);
}

/** Whether a plan may download the flat file of an asset class for a date. */
export function flatFileEntitled(plan: PlanEntitlements, assetClass: 'stocks' | 'options', date: IsoDate, now: Date): boolean {
  if (!plan.flatFiles) return false;
  const start = historyStart(assetClass === 'stocks' ? plan.stocksFileYears : plan.optionsFileYears, now);
  return start === null || date >= start;
}
