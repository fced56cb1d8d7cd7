import { formatDayNumber } from '../../../calendar/iso-date.ts';
import { nextTradingDayNumber, previousTradingDayNumber } from '../../../calendar/trading-days.ts';
import type { SimDividend, SimSplit } from '../simulator-types.ts';
import { exDayOfPeriod, periodsThrough } from './dividend-calendar.ts';
import { mix } from './hash-rng.ts';
import type { MarketEngine } from './market-engine.ts';
import { STREAM } from './streams.ts';
import { symbolAt, type Entity } from './universe.ts';

/** Record dates move to the ex-date itself when US settlement went to T+1. */
const T_PLUS_ONE_FROM = '2024-05-28';

/** Cash amounts as companies declare them: cents, or four decimals below a dime. */
export function roundCash(x: number): number {
  return x >= 0.1 ? Math.round(x * 100) / 100 : Math.max(0.0001, Math.round(x * 10_000) / 10_000);
}

/** A Polygon-looking id ("E" + 64 hex digits) fixed by the hashed inputs. */
export function eventId(seedBase: number, a: number, b: number): string {
  let h = mix(mix(mix(seedBase, STREAM.ids), a), b);
  let out = 'E';
  for (let i = 0; i < 8; i++) {
    h = mix(h, i);
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

/** Splits of one security, ascending by execution date. */
export function splitsOf(engine: MarketEngine, e: Entity): SimSplit[] {
  return engine
    .prices()
    .sparseActions(e)
    .filter((a) => a.kind === 'split')
    .map((a) => ({
      id: eventId(engine.seedBase, e.id, a.index * 2),
      ticker: symbolAt(e, a.index),
      executionDate: engine.index.dates[a.index] as string,
      splitFrom: a.splitFrom,
      splitTo: a.splitTo,
    }));
}

/** Splits of the range, ascending by execution date then ticker. */
export function splitRecords(engine: MarketEngine): SimSplit[] {
  const out: SimSplit[] = [];
  for (const e of engine.universe().entities) for (const x of splitsOf(engine, e)) out.push(x);
  return out.sort((x, y) => (x.executionDate < y.executionDate ? -1 : x.executionDate > y.executionDate ? 1 : x.ticker < y.ticker ? -1 : 1));
}

/** Declaration, record and pay dates around an ex-date, drawn per event. */
function datesAround(exDay: number, h: number): Pick<SimDividend, 'declarationDate' | 'exDividendDate' | 'recordDate' | 'payDate'> {
  const exDate = formatDayNumber(exDay);
  const declared = previousTradingDayNumber(exDay - 7 - (h % 21) + 1);
  const record = exDate >= T_PLUS_ONE_FROM ? exDay : nextTradingDayNumber(exDay);
  const pay = nextTradingDayNumber(record + 6 + ((h >>> 8) % 24));
  return {
    declarationDate: formatDayNumber(declared),
    exDividendDate: exDate,
    recordDate: formatDayNumber(record),
    payDate: formatDayNumber(pay),
  };
}

/** Regular and special cash dividends of one security, ascending by ex-date. */
export function dividendsOf(engine: MarketEngine, e: Entity): SimDividend[] {
  const prices = engine.prices();
  const { days } = engine.index;
  const out: SimDividend[] = [];
  const p = e.dividend;
  const start = prices.dividendStart(e);
  if (p && start >= 0) {
    const first = periodsThrough(p, days[start] as number);
    const last = periodsThrough(p, days[e.lastIndex] as number);
    for (let period = first; period < last; period++) {
      const k = engine.index.indexOf(exDayOfPeriod(p, period));
      if (k <= start || k > e.lastIndex) continue;
      // The amount is this period's yield on the close before the ex-date: exactly the raw price drop.
      const amount = roundCash(prices.rawClose(e, k - 1) * p.yieldPerPeriod);
      const h = mix(mix(mix(engine.seedBase, STREAM.dividendDates), e.id), period);
      out.push({
        id: eventId(engine.seedBase, e.id, period * 2 + 1),
        ticker: symbolAt(e, k),
        cashAmount: amount,
        currency: 'USD',
        ...datesAround(days[k] as number, h),
        frequency: p.frequency,
        dividendType: 'CD',
      });
    }
  }
  for (const a of prices.sparseActions(e)) {
    if (a.kind !== 'special') continue;
    const h = mix(mix(mix(engine.seedBase, STREAM.dividendDates), e.id), -a.index);
    out.push({
      id: eventId(engine.seedBase, e.id, a.index * 2 + 1),
      ticker: symbolAt(e, a.index),
      cashAmount: roundCash(prices.rawClose(e, a.index - 1) * a.fraction),
      currency: 'USD',
      ...datesAround(days[a.index] as number, h),
      frequency: 0,
      dividendType: 'SC',
    });
  }
  return out.sort((x, y) => (x.exDividendDate < y.exDividendDate ? -1 : x.exDividendDate > y.exDividendDate ? 1 : 0));
}

/** Every dividend of the range, ascending by ex-date then ticker. */
export function dividendRecords(engine: MarketEngine): SimDividend[] {
  const out: SimDividend[] = [];
  for (const e of engine.universe().entities) for (const d of dividendsOf(engine, e)) out.push(d);
  return out.sort((x, y) => (x.exDividendDate < y.exDividendDate ? -1 : x.exDividendDate > y.exDividendDate ? 1 : x.ticker < y.ticker ? -1 : 1));
}
