import { civilOf, weekdayOf } from '../../../calendar/iso-date.ts';
import { dayKindOf } from '../../../calendar/trading-days.ts';
import type { PriceModel } from './price-model.ts';
import type { TradingDayIndex } from './trading-day-index.ts';
import type { Entity } from './universe.ts';

/**
 * Listing rules by tier (1 = index ETF and the largest names ... 3 = monthlies only): how far out
 * weekly and monthly expiries are listed (calendar days), how many strikes each side of the
 * centre, and the strike step as a fraction of the price.
 */
const TIERS = {
  1: { weeklyDays: 91, monthlyDays: 91, strikesEachSide: 100, stepFraction: 0.002 },
  2: { weeklyDays: 35, monthlyDays: 91, strikesEachSide: 30, stepFraction: 0.01 },
  3: { weeklyDays: 0, monthlyDays: 91, strikesEachSide: 12, stepFraction: 0.025 },
} as const;
/** The longest a contract is listed before its expiry (calendar days), whatever the tier. */
export const OPTION_LISTING_DAYS = 92;
const NICE_STEPS = [0.5, 1, 2.5, 5, 10, 25, 50, 100];
const FRIDAY = 5;

/** One expiry of an underlying's chain with its strike grid (strikes in thousandths of a dollar). */
export interface Expiry {
  day: number;
  /** YYMMDD as ASCII bytes, ready for OCC tickers. */
  yymmdd: Uint8Array;
  strikes1000: Int32Array;
}

/** The expiry a Friday stands for: the Friday itself, or the trading day before it on a holiday. */
export function expiryForFriday(friday: number): number {
  let d = friday;
  while (dayKindOf(d) !== 'trading') d--;
  return d;
}

/** Whether a Friday is the third of its month (standard monthly expiration). */
function isThirdFriday(friday: number): boolean {
  const dom = civilOf(friday).d;
  return dom >= 15 && dom <= 21;
}

function yymmddBytes(day: number): Uint8Array {
  const { y, m, d } = civilOf(day);
  const s = `${String(y % 100).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Smallest conventional strike step at least `raw` dollars. */
function niceStep(raw: number): number {
  for (const s of NICE_STEPS) if (s >= raw) return s;
  return NICE_STEPS[NICE_STEPS.length - 1] as number;
}

/** Option chains of the universe's underlyings, with each expiry's strike grid computed once. */
export interface OptionChains {
  /** Expiries listed on a trading day for an underlying, ascending. */
  expiriesOn(u: Entity, day: number): Expiry[];
}

/** Creates the chain lookup; strike grids centre on the underlying's close before each expiry was listed. */
export function createOptionChains(prices: PriceModel, index: TradingDayIndex): OptionChains {
  const grids = new Map<number, Map<number, Expiry>>();

  const expiryOf = (u: Entity, fridayDay: number, listDays: number): Expiry => {
    let perUnderlying = grids.get(u.id);
    if (!perUnderlying) {
      perUnderlying = new Map();
      grids.set(u.id, perUnderlying);
    }
    let ex = perUnderlying.get(fridayDay);
    if (ex) return ex;
    const tier = TIERS[u.optionTier as 1 | 2 | 3];
    // Listed `listDays` before the Friday, at strikes around the last close before that.
    const k = Math.max(u.firstIndex - 1, index.floorIndex(fridayDay - listDays - 1));
    const center = prices.rawClose(u, Math.min(k, index.days.length - 1));
    const step = niceStep(center * tier.stepFraction);
    const mid = Math.round(center / step);
    const strikes: number[] = [];
    for (let i = -tier.strikesEachSide; i <= tier.strikesEachSide; i++) {
      const strike = (mid + i) * step;
      if (strike > 0) strikes.push(Math.round(strike * 1000));
    }
    const day = expiryForFriday(fridayDay);
    ex = { day, yymmdd: yymmddBytes(day), strikes1000: Int32Array.from(strikes) };
    if (perUnderlying.size > 256) {
      // Old expiries are not needed again for days rendered in order; keep the map small.
      for (const key of perUnderlying.keys()) if (key < fridayDay - 120) perUnderlying.delete(key);
    }
    perUnderlying.set(fridayDay, ex);
    return ex;
  };

  return {
    expiriesOn(u, day) {
      const tier = TIERS[u.optionTier as 1 | 2 | 3];
      const out: Expiry[] = [];
      let friday = day + ((FRIDAY - weekdayOf(day) + 7) % 7);
      // A holiday Friday's expiry moves to Thursday, which may already be past when `day` is that Friday.
      for (; friday - day <= tier.monthlyDays; friday += 7) {
        const monthly = isThirdFriday(friday);
        if (!monthly && tier.weeklyDays === 0) continue;
        const horizon = monthly ? tier.monthlyDays : tier.weeklyDays;
        if (friday - day > horizon) continue;
        const ex = expiryOf(u, friday, horizon);
        if (ex.day >= day) out.push(ex);
      }
      return out;
    },
  };
}

/** Writes an OCC option ticker, O:{root}{YYMMDD}{C|P}{strike x 1000, 8 digits}, into `out` at 0; returns its length. */
export function writeOccTicker(out: Uint8Array, root: Uint8Array, yymmdd: Uint8Array, call: boolean, strike1000: number): number {
  out[0] = 79; // O
  out[1] = 58; // :
  let p = 2;
  for (let i = 0; i < root.length; i++) out[p++] = root[i] as number;
  for (let i = 0; i < 6; i++) out[p++] = yymmdd[i] as number;
  out[p++] = call ? 67 : 80;
  let v = strike1000;
  for (let i = 7; i >= 0; i--) {
    out[p + i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return p + 8;
}

/** The parts of an OCC option ticker, or null when it is not one. */
export function parseOccTicker(ticker: string): { root: string; expiry: string; call: boolean; strike: number } | null {
  const m = /^O:([A-Z]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/.exec(ticker);
  if (!m) return null;
  return {
    root: m[1] as string,
    expiry: `20${m[2]}-${m[3]}-${m[4]}`,
    call: m[5] === 'C',
    strike: Number(m[6]) / 1000,
  };
}
