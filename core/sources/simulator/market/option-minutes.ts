import type { BarBlock } from './bar-block.ts';
import { REGULAR_START, type DaySession } from './day-session.ts';
import { createRng, mix, unitOf, type Rng } from './hash-rng.ts';
import type { Expiry } from './option-chain.ts';
import { optionValue } from './option-pricing.ts';
import type { Entity } from './universe.ts';

const YEAR_MS = 365 * 86_400_000;
const MINUTE_MS = 60_000;
const MARKET_SIGMA = 0.01;

/**
 * How a tier trades: chance that an at-the-money contract trades on a day, how fast that falls
 * with distance from the money (in standard deviations to expiry), mean minute bars of a traded
 * at-the-money contract, mean contracts per minute bar.
 */
const LIQUIDITY = {
  1: { dayChance: 1, width: 1.6, bars: 25, contracts: 25 },
  2: { dayChance: 1, width: 2.4, bars: 7, contracts: 8 },
  3: { dayChance: 0.9, width: 2.8, bars: 3, contracts: 4 },
} as const;

/** One underlying on one day: the spot path options are priced from, and the day's stream key. */
export interface OptionUnderlyingDay {
  session: DaySession;
  underlying: Entity;
  /** Last traded underlying price (USD) at every minute from 04:00 ET. */
  spot: Float64Array;
  atmVol: number;
  key: number;
}

/** Prepares the per-day pricing inputs of an underlying whose spot path has been generated. */
export function optionUnderlyingDay(seedBase: number, streamTag: number, u: Entity, session: DaySession, spot: Float64Array): OptionUnderlyingDay {
  const sigmaDay = Math.sqrt(u.sigma * u.sigma + u.beta * u.beta * MARKET_SIGMA * MARKET_SIGMA);
  return {
    session,
    underlying: u,
    spot,
    atmVol: 1.1 * sigmaDay * Math.sqrt(252),
    key: mix(mix(mix(seedBase, streamTag), u.id), session.day),
  };
}

/** Picks about `expected` distinct regular-session minutes, ascending; returns how many. */
function pickMinutes(rng: Rng, start: number, end: number, expected: number, minute: Int32Array): number {
  const q = Math.min(1, expected / (end - start));
  let n = 0;
  if (q >= 0.3) {
    for (let m = start; m < end; m++) if (rng.next() < q) minute[n++] = m;
  } else {
    const logQ = Math.log(1 - q);
    for (let m = start + Math.floor(Math.log(1 - rng.next()) / logQ); m < end; m += 1 + Math.floor(Math.log(1 - rng.next()) / logQ)) {
      minute[n++] = m;
    }
  }
  if (n === 0) minute[n++] = start + rng.int(end - start);
  return n;
}

/**
 * Generates one contract's minute bars for the day into `out` (prices in cents) and returns false
 * when it did not trade. Whether it trades, and how often, falls off with distance from the money
 * measured in standard deviations to expiry; each bar is priced from the underlying at that minute.
 */
export function generateOptionContractDay(ud: OptionUnderlyingDay, expiry: Expiry, expiryCloseMs: number, call: boolean, strike1000: number, out: BarBlock): boolean {
  const s = ud.session;
  const liquidity = LIQUIDITY[ud.underlying.optionTier as 1 | 2 | 3];
  const strike = strike1000 / 1000;
  const openMs = s.startMs + REGULAR_START * MINUTE_MS;
  const spotOpen = ud.spot[REGULAR_START] as number;
  const years0 = Math.max(1 / (365 * 24 * 60), (expiryCloseMs - openMs) / YEAR_MS);
  const z = Math.log(strike / spotOpen) / (ud.atmVol * Math.sqrt(years0 + 2 / 365));
  const zw = z / liquidity.width;
  const nearness = Math.exp(-0.5 * zw * zw);
  const h = mix(mix(mix(ud.key, expiry.day), strike1000), call ? 1 : 2);
  if (unitOf(h) >= liquidity.dayChance * nearness + 0.015) return false;

  const rng = createRng(mix(h, 0x5eed));
  const expectedBars = 1 + (liquidity.bars - 1) * nearness * (0.3 + 1.4 * rng.next());
  const n = pickMinutes(rng, REGULAR_START, s.regularEnd, expectedBars, out.minute);
  out.n = n;
  const volMean = liquidity.contracts * (0.2 + nearness);
  let prevMinute = -2;
  let prevValue = 0;
  for (let i = 0; i < n; i++) {
    const m = out.minute[i] as number;
    const tOpen = s.startMs + m * MINUTE_MS;
    const yearsOpen = Math.max(1e-7, (expiryCloseMs - tOpen) / YEAR_MS);
    const yearsClose = Math.max(1e-7, yearsOpen - MINUTE_MS / YEAR_MS);
    const sClose = ud.spot[m] as number;
    // A bar right after another opens where that one closed (same spot, same time to expiry).
    let fair = prevValue;
    if (m !== prevMinute + 1) {
      const sOpen = ud.spot[m - 1] as number;
      fair = optionValue(call, sOpen, strike, yearsOpen, ud.atmVol);
    }
    const closeFair = optionValue(call, sClose, strike, yearsClose, ud.atmVol);
    prevMinute = m;
    prevValue = closeFair;
    const vo = fair * (1 + 0.01 * rng.normal());
    const vc = closeFair * (1 + 0.01 * rng.normal());
    const oC = Math.max(1, Math.round(vo * 100));
    const cC = Math.max(1, Math.round(vc * 100));
    const wiggle = Math.max(1, Math.round(Math.max(oC, cC) * 0.01));
    out.open[i] = oC;
    out.close[i] = cC;
    out.high[i] = Math.max(oC, cC) + (rng.next() < 0.35 ? rng.int(wiggle + 1) : 0);
    out.low[i] = Math.max(1, Math.min(oC, cC) - (rng.next() < 0.35 ? rng.int(wiggle + 1) : 0));
    const volume = 1 + Math.floor(-Math.log(1 - rng.next()) * volMean);
    out.volume[i] = volume;
    out.transactions[i] = 1 + Math.floor(rng.next() * Math.min(volume, 1 + volume / 3));
  }
  return true;
}
