import { civilOf, dayNumberOf } from '../../../calendar/iso-date.ts';
import { nextTradingDayNumber } from '../../../calendar/trading-days.ts';
import { brownianAt } from './brownian-bridge.ts';
import { periodsThrough } from './dividend-calendar.ts';
import { mix, unitOf } from './hash-rng.ts';
import { STREAM } from './streams.ts';
import type { TradingDayIndex } from './trading-day-index.ts';
import type { Entity } from './universe.ts';

/** Market factor: daily log volatility and drift (about 7% a year). */
const MARKET_SIGMA = 0.01;
const MARKET_DRIFT = 0.00027;
/** Log distance from the starting price beyond which moves are squeezed (prices stay within ~25x). */
const LOG_CLAMP = Math.log(25);
/** Yearly chances of a split candidate (ratio chosen by price) and of a special dividend. */
const SPLIT_RATE = 0.035;
const SPECIAL_RATE = 0.008;

/** A split or special dividend: a one-off change of the raw price factor on an ex/execution date. */
export interface SparseAction {
  index: number;
  kind: 'split' | 'special';
  /** Raw price multiplier on that date: splitFrom/splitTo, or 1 - fraction paid. */
  factor: number;
  splitFrom: number;
  splitTo: number;
  /** Special dividend as a fraction of the previous close. */
  fraction: number;
}

/** A security's one-off actions, with the cumulative factor after each. */
interface Schedule {
  actions: SparseAction[];
  cumulative: Float64Array;
}

/** Prices of every security on every trading day, evaluated on demand. */
export interface PriceModel {
  /** Close before corporate actions (a random walk); k = firstIndex - 1 gives the starting price. */
  adjustedClose(e: Entity, k: number): number;
  /** Raw price multiplier from splits and dividends with date <= k. */
  factor(e: Entity, k: number): number;
  /** The raw close flat files carry on index k (k = firstIndex - 1: the IPO price or pre-range close). */
  rawClose(e: Entity, k: number): number;
  /** Splits and special dividends of a security inside the range, ascending by date. */
  sparseActions(e: Entity): readonly SparseAction[];
  /** Trading index after which regular dividends are paid (-1: none inside the range). */
  dividendStart(e: Entity): number;
}

/** Split ratio (from, to) chosen by price, as companies do: high prices split, penny prices reverse split. */
function splitRatioFor(price: number): [number, number] | null {
  if (price >= 600) return [1, 10];
  if (price >= 250) return [1, 4];
  if (price >= 120) return [1, 3];
  if (price >= 45) return [1, 2];
  if (price >= 30) return [2, 3];
  if (price < 0.5) return [20, 1];
  if (price < 1) return [10, 1];
  if (price < 2.5) return [5, 1];
  if (price < 6) return [4, 1];
  return null;
}

/** Creates the lazy price model of a universe. */
export function createPriceModel(seedBase: number, index: TradingDayIndex, entityCount: number): PriceModel {
  const marketKey = mix(seedBase, STREAM.marketWalk);
  const walkKeyBase = mix(seedBase, STREAM.walk);
  const market = new Float64Array(index.days.length + 2).fill(NaN);
  const origins = new Float64Array(entityCount).fill(NaN);
  const schedules: (Schedule | undefined)[] = [];

  const marketAt = (b: number): number => {
    let v = market[b] as number;
    if (Number.isNaN(v)) {
      v = brownianAt(marketKey, b);
      market[b] = v;
    }
    return v;
  };

  const adjustedClose = (e: Entity, k: number): number => {
    const b = k + 1;
    const o = e.firstIndex;
    const key = mix(walkKeyBase, e.id);
    let origin = 0;
    if (o > 0) {
      origin = origins[e.id] as number;
      if (Number.isNaN(origin)) {
        origin = brownianAt(key, o);
        origins[e.id] = origin;
      }
    }
    const x =
      e.beta * (MARKET_SIGMA * (marketAt(b) - marketAt(o)) + MARKET_DRIFT * (b - o)) + e.sigma * (brownianAt(key, b) - origin);
    return e.p0 * Math.exp(LOG_CLAMP * Math.tanh(x / LOG_CLAMP));
  };

  const dividendStart = (e: Entity): number => {
    if (!e.dividend) return -1;
    const s = Math.max(e.firstIndex, e.dividend.startIndex);
    return s < index.days.length ? s : -1;
  };

  const dividendFactor = (e: Entity, k: number): number => {
    const p = e.dividend;
    const s = dividendStart(e);
    if (!p || s < 0 || k <= s) return 1;
    const paid = periodsThrough(p, index.days[k] as number) - periodsThrough(p, index.days[s] as number);
    return paid > 0 ? (1 - p.yieldPerPeriod) ** paid : 1;
  };

  const scheduleOf = (e: Entity): Schedule => {
    let s = schedules[e.id];
    if (s) return s;
    s = buildSchedule(e);
    schedules[e.id] = s;
    return s;
  };

  const sparseFactor = (s: Schedule, k: number): number => {
    const a = s.actions;
    if (a.length === 0 || k < (a[0] as SparseAction).index) return 1;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as SparseAction).index <= k) lo = mid + 1;
      else hi = mid;
    }
    return s.cumulative[lo - 1] as number;
  };

  const factor = (e: Entity, k: number): number => sparseFactor(scheduleOf(e), k) * dividendFactor(e, k);

  /** Draws the candidate dates of a security's one-off actions, year by year, then prices them in order. */
  function buildSchedule(e: Entity): Schedule {
    const actions: SparseAction[] = [];
    const canSplit = (e.type === 'CS' || e.type === 'ADRC') && e.optionTier === 0;
    const canSpecial = e.type === 'CS';
    if (!canSplit && !canSpecial) return { actions, cumulative: new Float64Array(0) };
    const firstDay = index.days[e.firstIndex] as number;
    const lastDay = index.days[e.lastIndex] as number;
    const candidates: { index: number; kind: SparseAction['kind']; u: number }[] = [];
    const consider = (kind: SparseAction['kind'], stream: number, rate: number, y: number): void => {
      const h = mix(mix(mix(seedBase, stream), e.id), y);
      if (unitOf(h) >= rate) return;
      const day = nextTradingDayNumber(dayNumberOf(y, 1, 1) + Math.floor(unitOf(mix(h, 1)) * 365) - 1);
      const at = index.indexOf(day);
      // A day's worth of history before the action, and none on the rename or delisting day itself.
      if (at <= e.firstIndex || at > e.lastIndex || at === e.renameIndex || at === e.lastIndex) return;
      candidates.push({ index: at, kind, u: unitOf(mix(h, 2)) });
    };
    for (let y = civilOf(firstDay).y; y <= civilOf(lastDay).y; y++) {
      if (canSplit) consider('split', STREAM.split, SPLIT_RATE, y);
      if (canSpecial) consider('special', STREAM.special, SPECIAL_RATE, y);
    }
    candidates.sort((a, b) => a.index - b.index || (a.kind === 'split' ? -1 : 1));
    const cumulative: number[] = [];
    let cum = 1;
    for (const c of candidates) {
      if (actions.length > 0 && (actions[actions.length - 1] as SparseAction).index === c.index) continue;
      const prevRaw = adjustedClose(e, c.index - 1) * cum * dividendFactor(e, c.index - 1);
      if (c.kind === 'split') {
        const ratio = splitRatioFor(prevRaw);
        if (!ratio) continue;
        const [splitFrom, splitTo] = ratio;
        cum *= splitFrom / splitTo;
        actions.push({ index: c.index, kind: 'split', factor: splitFrom / splitTo, splitFrom, splitTo, fraction: 0 });
      } else {
        const fraction = 0.04 + 0.11 * c.u;
        cum *= 1 - fraction;
        actions.push({ index: c.index, kind: 'special', factor: 1 - fraction, splitFrom: 1, splitTo: 1, fraction });
      }
      cumulative.push(cum);
    }
    return { actions, cumulative: Float64Array.from(cumulative) };
  }

  return {
    adjustedClose,
    factor,
    rawClose: (e, k) => adjustedClose(e, k) * (k < e.firstIndex ? 1 : factor(e, k)),
    sparseActions: (e) => scheduleOf(e).actions,
    dividendStart,
  };
}
