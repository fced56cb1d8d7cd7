import type { BarBlock } from './bar-block.ts';
import { REGULAR_START, type DaySession } from './day-session.ts';
import { createRng, mix, type Rng } from './hash-rng.ts';
import type { PriceModel } from './price-model.ts';
import { STREAM } from './streams.ts';
import type { Entity } from './universe.ts';

const PRICE_TICKS = 10_000;
const MICRO = 1_000_000;
/** Share of minute bars printed with sub-penny prices (as real aggregates sometimes are). */
const SUB_PENNY_SHARE = 0.15;
const MARKET_SIGMA = 0.01;

/** Scratch columns shared by every call (generation is synchronous, one security at a time). */
const walk = new Float64Array(960);
const closes = new Float64Array(960);

/** Rounds a price to a multiple of `unit` ticks (down, nearest or up), at least one tick. */
function ticksOf(price: number, unit: number, mode: -1 | 0 | 1): number {
  const q = (price * PRICE_TICKS) / unit;
  const r = mode === 0 ? Math.round(q) : mode > 0 ? Math.ceil(q) : Math.floor(q);
  return Math.max(1, r * unit);
}

/**
 * Picks the minutes with trades into `minute` (ascending) and returns how many. Within a run of
 * equal probability, sparse runs jump from trade to trade with geometric gaps instead of drawing
 * every minute, which keeps thin names cheap.
 */
function selectMinutes(rng: Rng, s: DaySession, activity: number, minute: Int32Array): number {
  const pExt = 0.5 * activity * activity;
  let n = 0;
  for (const seg of s.segments) {
    const p = seg.regular * activity + seg.extended * pExt;
    if (p <= 0) continue;
    if (p >= 0.999) {
      for (let m = seg.start; m < seg.end; m++) minute[n++] = m;
    } else if (p > 0.3) {
      for (let m = seg.start; m < seg.end; m++) if (rng.next() < p) minute[n++] = m;
    } else {
      const logQ = Math.log(1 - p);
      for (let m = seg.start + Math.floor(Math.log(1 - rng.next()) / logQ); m < seg.end; m += 1 + Math.floor(Math.log(1 - rng.next()) / logQ)) {
        minute[n++] = m;
      }
    }
  }
  return n;
}

/** Whether a security must trade on a day: listing, delisting, or either side of a ticker change. */
function mustTrade(e: Entity, day: number, k: number): boolean {
  return k === e.firstIndex || e.mustTradeDays.includes(day);
}

/** Whether a split or dividend takes effect on day k or the next day (thin names trade then too, so the jump shows). */
function aroundCorporateAction(prices: PriceModel, e: Entity, k: number): boolean {
  if (k <= e.firstIndex || k >= e.lastIndex) return false;
  const f = prices.factor(e, k);
  return f !== prices.factor(e, k - 1) || f !== prices.factor(e, k + 1);
}

/**
 * Generates a stock's minute bars for one trading day into `out` and returns false when it did not
 * trade. The day runs from the open (previous raw close times the day's corporate-action factor,
 * plus an overnight gap) to the model close along a Brownian bridge in variance time, so the day
 * bar, the next day's open and every split or dividend stay consistent. When `spot` is given it
 * receives the last traded price (USD) at every minute, for pricing options.
 */
export function generateStockDay(seedBase: number, prices: PriceModel, e: Entity, s: DaySession, out: BarBlock, spot?: Float64Array): boolean {
  const k = s.k;
  if (k < e.firstIndex || k > e.lastIndex) return false;
  const rng = createRng(mix(mix(mix(seedBase, STREAM.day), e.id), s.day));
  const skip = rng.next();
  if (skip < e.skipDay && !mustTrade(e, s.day, k) && !aroundCorporateAction(prices, e, k)) return false;

  const fNow = prices.factor(e, k);
  const fPrev = k > e.firstIndex ? prices.factor(e, k - 1) : 1;
  const prevClose = prices.adjustedClose(e, k - 1) * fPrev;
  const close = prices.adjustedClose(e, k) * fNow;
  const sigmaDay = Math.sqrt(e.sigma * e.sigma + e.beta * e.beta * MARKET_SIGMA * MARKET_SIGMA);
  const gap = e.ipo && k === e.firstIndex ? 0.1 + 0.2 * rng.normal() : 0.25 * sigmaDay * rng.normal();
  const open = prevClose * (fNow / fPrev) * Math.exp(gap);
  const dayVolumeFactor = Math.exp(0.35 * rng.normal() - 0.06);

  // Which minutes trade: liquid names nearly every regular minute, thin names a few, little outside hours.
  let n = selectMinutes(rng, s, e.activity, out.minute);
  const minute = out.minute;
  if (n === 0) minute[n++] = REGULAR_START + rng.int(s.regularEnd - REGULAR_START);
  out.n = n;

  // Log-price bridge from the open to the close in variance time.
  const vp = s.variancePrefix;
  const sigmaMinute = (0.9 * sigmaDay) / Math.sqrt(390);
  const t0 = vp[minute[0] as number] as number;
  const total = (vp[(minute[n - 1] as number) + 1] as number) - t0;
  let w = 0;
  let tPrev = t0;
  for (let i = 0; i < n; i++) {
    const t = vp[(minute[i] as number) + 1] as number;
    w += Math.sqrt(t - tPrev) * rng.normal();
    walk[i] = w;
    tPrev = t;
  }
  const lnOpen = Math.log(open);
  const drift = Math.log(close) - lnOpen;
  for (let i = 0; i < n; i++) {
    const frac = ((vp[(minute[i] as number) + 1] as number) - t0) / total;
    closes[i] = Math.exp(lnOpen + drift * frac + sigmaMinute * ((walk[i] as number) - w * frac));
  }

  // Volume follows the intraday shape and rises on big moves; prices split adjust share counts.
  const absMove = Math.min(3, Math.abs(drift) / sigmaDay);
  const sharesTarget = (e.dollarVolume * dayVolumeFactor * (0.55 + 0.45 * absMove)) / (0.5 * (open + close));
  let shapeSum = 0;
  for (let i = 0; i < n; i++) shapeSum += s.volumeShape[minute[i] as number] as number;
  const perShape = sharesTarget / shapeSum;
  const tradeSize = e.avgTradeSize;

  let prev = open;
  for (let i = 0; i < n; i++) {
    const c = closes[i] as number;
    const o = i === 0 ? open : prev * (1 + 0.2 * sigmaMinute * rng.normal());
    // Cents at $1 and above, except the bars whose trades printed sub-penny prices.
    const unit = c >= 1 && rng.next() >= SUB_PENNY_SHARE ? 100 : 1;
    const oT = ticksOf(o, unit, 0);
    const cT = ticksOf(c, unit, 0);
    const hi = Math.max(o, c) * (1 + 0.6 * sigmaMinute * rng.next());
    const lo = Math.min(o, c) * (1 - 0.6 * sigmaMinute * rng.next());
    out.open[i] = oT;
    out.close[i] = cT;
    out.high[i] = Math.max(oT, cT, ticksOf(hi, unit, 1));
    out.low[i] = Math.max(1, Math.min(oT, cT, ticksOf(lo, unit, -1)));
    prev = c;

    const shares = perShape * (s.volumeShape[minute[i] as number] as number) * Math.exp(0.8 * rng.normal() - 0.32);
    let whole = Math.round(shares);
    let units: number;
    if (s.decimalVolume) {
      const frac = rng.next() < 0.35 ? Math.floor(rng.next() * MICRO) : 0;
      if (whole === 0 && frac === 0) whole = 1;
      units = whole * MICRO + frac;
    } else {
      if (whole < 1) whole = 1;
      units = whole;
    }
    out.volume[i] = units;
    const tx = Math.round((shares / tradeSize) * (0.7 + 0.6 * rng.next()));
    out.transactions[i] = Math.max(1, Math.min(tx, Math.max(1, whole)));
  }

  if (spot) {
    let last = (out.open[0] as number) / PRICE_TICKS;
    let j = 0;
    for (let m = 0; m < s.extendedEnd; m++) {
      if (j < n && minute[j] === m) {
        last = (out.close[j] as number) / PRICE_TICKS;
        j++;
      }
      spot[m] = last;
    }
  }
  return true;
}
