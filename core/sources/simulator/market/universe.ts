import { nextTradingDayNumber, previousTradingDayNumber } from '../../../calendar/trading-days.ts';
import type { SimTicker } from '../simulator-types.ts';
import { createRng, mix, type Rng } from './hash-rng.ts';
import { allocateSymbol, companyIdentity, etfIdentity, renamedIdentity, type SecurityIdentity } from './security-names.ts';
import { STREAM } from './streams.ts';
import type { TradingDayIndex } from './trading-day-index.ts';

/** Polygon security type codes the market uses. */
export type SecurityType = SimTicker['type'];
/** Primary exchange MIC codes the market uses. */
export type Exchange = SimTicker['primaryExchange'];

/** Size of the real US market the rank scale refers to. */
export const FULL_MARKET_TICKERS = 12_000;
/** Yearly rates: listings and delistings balance, so about `tickers` names trade on any day. */
const LISTING_RATE = 0.03;
const DELISTING_RATE = 0.03;
const RENAME_RATE = 0.012;
/** How long before listing an IPO is announced at most; such IPOs show as pending. */
export const IPO_ANNOUNCE_DAYS = 45;
const DAYS_PER_YEAR = 365.25;

/** A regular cash dividend policy: a fixed yield paid on a fixed calendar rhythm. */
export interface DividendPolicy {
  frequency: 1 | 2 | 4 | 12;
  /** Fraction of the price paid each period; the raw price drops by this fraction on the ex-date. */
  yieldPerPeriod: number;
  /** First month of the cycle (0-based, below 12 / frequency). */
  monthOffset: number;
  /** Calendar day the ex-date is on or after. */
  dayOfMonth: number;
  /** Ex-dates at or before this trading index are not paid (just after an IPO). */
  startIndex: number;
}

/** One security over its whole life; what the generators need to price and describe it. */
export interface Entity {
  /** Creation order; stable for a seed, universe size and range start, whatever the range end. */
  id: number;
  type: SecurityType;
  exchange: Exchange;
  name: string;
  sector: number;
  symbol: string;
  /** Ticker and name after a rename (reserved even when the rename falls after the range). */
  newSymbol: string | null;
  newName: string | null;
  /** Size rank in a 12,000-name market (1 = largest). */
  rank: number;
  /** Typical dollar value traded per day. */
  dollarVolume: number;
  /** Probability that a regular-session minute has at least one trade. */
  activity: number;
  /** Probability that the security does not trade at all on a day. */
  skipDay: number;
  /** Daily idiosyncratic volatility (log) and market beta. */
  sigma: number;
  beta: number;
  /** Price the walk starts from: the close before the range, or the IPO price. */
  p0: number;
  avgTradeSize: number;
  sharesOutstanding: number;
  /** Listing day number (before the range for seasoned names). */
  listDay: number;
  firstIndex: number;
  lastIndex: number;
  delisted: boolean;
  /** Trading index of the first bar under newSymbol, or -1 (no rename inside the range). */
  renameIndex: number;
  parentId: number;
  ipo: boolean;
  /** 0 = no listed options; 1 = weeklies, wide chains ... 3 = monthlies only. */
  optionTier: 0 | 1 | 2 | 3;
  dividend: DividendPolicy | null;
  /** Day number drawn for delisting (Infinity when never), kept for dependants. */
  delistDraw: number;
  /**
   * Days it must trade on even when thin: listing, delisting, and both sides of a rename. Taken
   * from the draws, not the range, so a longer range never changes an earlier day's bars.
   */
  mustTradeDays: number[];
}

/** Every security of the market plus the lookups built once from them. */
export interface Universe {
  /** Securities that trade inside the range, by id. */
  entities: Entity[];
  /** IPOs announced inside the range that list after it. */
  pendingIpos: Entity[];
  /** Each ticker (old and new) mapped to its security. */
  bySymbol: Map<string, Entity>;
  /** Option underlyings, sorted by ticker. */
  optionUnderlyings: Entity[];
  /** One more than the largest entity id. */
  idCount: number;
  /** Every generated security by id (including ones that never trade inside the range). */
  byId: readonly Entity[];
}

/** Default option underlyings: 4 for small markets, growing to tickers/6 (2,000 at full size). */
export function defaultOptionUnderlyings(tickers: number): number {
  const scaled = tickers >= 1000 ? tickers / 6 : (tickers * tickers) / 6000;
  return Math.min(tickers, Math.max(4, Math.round(scaled)));
}

/**
 * log10 of typical daily dollar volume at log10(rank): about $25B for the largest name, $1B at
 * rank 100, $60M at 1,000, $1M at 6,000 and a few thousand dollars at 12,000, like US listings.
 */
const DOLLAR_VOLUME_CURVE: readonly [number, number][] = [
  [0, 10.4],
  [1, 9.9],
  [2, 9.0],
  [3, 7.8],
  [3.5, 6.9],
  [3.8, 6.0],
  [4.0, 4.8],
  [4.1, 4.0],
];

/** Dollar volume of a rank, from the curve with some noise. */
function dollarVolumeOf(rank: number, rng: Rng): number {
  const x = Math.log10(rank);
  let y = (DOLLAR_VOLUME_CURVE[DOLLAR_VOLUME_CURVE.length - 1] as [number, number])[1];
  for (let i = 1; i < DOLLAR_VOLUME_CURVE.length; i++) {
    const [x1, y1] = DOLLAR_VOLUME_CURVE[i] as [number, number];
    if (x <= x1) {
      const [x0, y0] = DOLLAR_VOLUME_CURVE[i - 1] as [number, number];
      y = y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
      break;
    }
  }
  return 10 ** (y + 0.25 * rng.normal());
}

/** Regular-session minute trade probability from dollar volume (liquid names trade every minute). */
function activityOf(dollarVolume: number): number {
  return Math.min(0.995, Math.max(0.004, (Math.log10(dollarVolume) - 5.2) / 3.4));
}

/** Log-normal price around a median, kept inside [lo, hi]. */
function priceAround(rng: Rng, median: number, spread: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, median * Math.exp(spread * rng.normal())));
}

/** The first trading day on or after a day number. */
function tradingDayOnOrAfter(day: number): number {
  return nextTradingDayNumber(day - 1);
}

/** Type of a seasoned security by its position; a few positions are pinned so small markets show every type. */
function typeFor(i: number, n: number, rng: Rng): SecurityType {
  if (i === 0) return 'ETF';
  if (i <= 3) return 'CS';
  if (n >= 20) {
    const fromEnd = n - 1 - i;
    if (fromEnd === 0) return 'UNIT';
    if (fromEnd === 1) return 'WARRANT';
    if (fromEnd === 2) return 'PFD';
    if (fromEnd === 3) return 'ADRC';
  }
  const u = rng.next();
  if (u < 0.7) return 'CS';
  if (u < 0.9) return 'ETF';
  if (u < 0.94) return 'ADRC';
  if (u < 0.97) return 'PFD';
  if (u < 0.99) return 'WARRANT';
  return 'UNIT';
}

function exchangeFor(type: SecurityType, rng: Rng): Exchange {
  const u = rng.next();
  if (type === 'ETF') return u < 0.7 ? 'ARCX' : u < 0.85 ? 'XNAS' : 'BATS';
  if (type === 'PFD') return 'XNYS';
  if (type === 'CS') return u < 0.36 ? 'XNYS' : u < 0.93 ? 'XNAS' : u < 0.98 ? 'XASE' : 'BATS';
  return u < 0.5 ? 'XNYS' : 'XNAS';
}

function dividendPolicyFor(type: SecurityType, activity: number, rng: Rng): DividendPolicy | null {
  const u = rng.next();
  const pays =
    type === 'PFD' ? true : type === 'CS' ? u < 0.2 + 0.4 * activity : type === 'ETF' ? u < 0.8 : type === 'ADRC' ? u < 0.6 : false;
  if (!pays) return null;
  const v = rng.next();
  let frequency: DividendPolicy['frequency'] = 4;
  if (type === 'ETF') frequency = v < 0.2 ? 12 : v < 0.95 ? 4 : 1;
  else if (type === 'ADRC') frequency = v < 0.6 ? 2 : 1;
  else if (type === 'CS') frequency = v < 0.92 ? 4 : v < 0.97 ? 2 : 1;
  const annualYield = type === 'PFD' ? 0.05 + 0.025 * rng.next() : 0.006 + 0.04 * rng.next() ** 1.5;
  return {
    frequency,
    yieldPerPeriod: annualYield / frequency,
    monthOffset: rng.int(12 / frequency),
    dayOfMonth: 3 + rng.int(23),
    startIndex: 0,
  };
}

/** Everything random about one security, drawn from its own stream in a fixed order. */
interface Draft {
  type: SecurityType;
  identity: SecurityIdentity;
  exchange: Exchange;
  rank: number;
  rng: Rng;
}

interface BuildState {
  index: TradingDayIndex;
  taken: Set<string>;
  all: Entity[];
  underlyingsWanted: number;
  underlyingsTaken: number;
  childCount: Map<number, number>;
}

/** Preferred ticker length: NYSE names short, Nasdaq names four letters, a few five. */
function symbolLength(type: SecurityType, exchange: Exchange, rank: number, rng: Rng): number {
  if (type === 'ETF') return rng.chance(0.7) ? 3 : 4;
  if (exchange === 'XNAS') return rng.chance(0.9) ? 4 : 5;
  if (rank < 60 && rng.chance(0.3)) return 1 + rng.int(2);
  return rng.chance(0.25) ? 2 : 3;
}

/** Fills in a security's economics and life from its draft; ids and symbols are assigned by the caller. */
function completeEntity(state: BuildState, id: number, d: Draft, listDay: number, firstIndex: number, ipo: boolean): Entity {
  const { rng, type } = d;
  const derived = type === 'PFD' || type === 'WARRANT' || type === 'UNIT';
  const rank = derived ? Math.min(FULL_MARKET_TICKERS, d.rank * 2 + 3000) : d.rank;
  const dollarVolume = dollarVolumeOf(rank, rng);
  const activity = activityOf(dollarVolume);
  const p0 =
    type === 'PFD' ? priceAround(rng, 25, 0.05, 18, 30)
    : type === 'WARRANT' ? priceAround(rng, 0.6, 0.8, 0.02, 4)
    : type === 'UNIT' ? priceAround(rng, 10.2, 0.03, 9, 12)
    : type === 'ETF' ? priceAround(rng, 60, 0.7, 8, 600)
    : ipo ? Math.round(priceAround(rng, 17, 0.4, 4, 60))
    : priceAround(rng, rank < 300 ? 60 : 28, 1.0, rank < 50 ? 40 : rank < 300 ? 12 : 0.6, 900);
  const sigma =
    type === 'PFD' || type === 'UNIT' ? 0.003 + 0.002 * rng.next()
    : type === 'WARRANT' ? 0.05 + 0.03 * rng.next()
    : type === 'ETF' ? 0.002 + 0.008 * rng.next()
    : 0.01 + 0.025 * (1 - activity) + 0.01 * rng.next();
  const beta =
    type === 'PFD' || type === 'UNIT' ? 0.1 + 0.1 * rng.next()
    : type === 'WARRANT' ? 1.5 + rng.next()
    : type === 'ETF' ? (rng.chance(0.2) ? 0.1 : 0.8 + 0.3 * rng.next())
    : 0.5 + rng.next();
  const delistYears = -Math.log(1 - rng.next()) / DELISTING_RATE;
  const renameYears = -Math.log(1 - rng.next()) / RENAME_RATE;
  const dividend = dividendPolicyFor(type, activity, rng);
  const sharesOutstanding = Math.round((dollarVolume * (150 + 200 * rng.next())) / p0 / 1000) * 1000 + 1_000_000;
  const avgTradeSize = 40 + rng.int(160);

  const optionable = !ipo && !derived && (type === 'CS' || type === 'ETF') && state.underlyingsTaken < state.underlyingsWanted;
  let optionTier: Entity['optionTier'] = 0;
  if (optionable) {
    const k = state.underlyingsTaken++;
    const tier1 = Math.max(1, Math.round(state.underlyingsWanted * 0.01));
    const tier2 = Math.max(3, Math.round(state.underlyingsWanted * 0.2));
    optionTier = k < tier1 ? 1 : k < tier1 + tier2 ? 2 : 3;
  }
  const immortal = optionTier > 0;
  const startDay = ipo ? listDay : state.index.firstDay;
  const delistDraw = immortal ? Infinity : startDay + Math.max(1, Math.floor(delistYears * DAYS_PER_YEAR));
  const renames = !immortal && (type === 'CS' || type === 'ADRC') && renameYears < 60;
  const renameDraw = renames ? startDay + Math.max(2, Math.floor(renameYears * DAYS_PER_YEAR)) : Infinity;

  const entity: Entity = {
    id,
    type,
    exchange: d.exchange,
    name: d.identity.name,
    sector: d.identity.sector,
    symbol: '',
    newSymbol: null,
    newName: null,
    rank,
    dollarVolume,
    activity,
    skipDay: dollarVolume < 1e5 ? 0.12 : dollarVolume < 1e6 ? 0.02 : 0,
    sigma,
    beta,
    p0,
    avgTradeSize,
    sharesOutstanding,
    listDay,
    firstIndex,
    lastIndex: -1,
    delisted: false,
    renameIndex: -1,
    parentId: -1,
    ipo,
    optionTier,
    dividend,
    delistDraw,
    mustTradeDays: [],
  };
  if (dividend && ipo) dividend.startIndex = firstIndex + 40;
  if (renames) entity.newName = '';
  settleLife(state.index, entity, renameDraw);
  return entity;
}

/** Allocates the ticker a renaming company will take, after its first ticker. */
function reserveRenameSymbol(state: BuildState, e: Entity, rng: Rng): void {
  if (e.newName === null) return;
  const renamed = renamedIdentity(rng, e.sector);
  e.newName = renamed.name;
  // Allocated even when the rename falls after the range, so a longer range keeps every ticker.
  e.newSymbol = allocateSymbol(rng, renamed.seedLetters, symbolLength(e.type, e.exchange, e.rank, rng), state.taken);
}

/** Turns the drawn delisting and rename days into trading indices inside the range. */
function settleLife(index: TradingDayIndex, e: Entity, renameDraw: number): void {
  const lastIndexOfRange = index.days.length - 1;
  // Days after the range cannot matter to it; leaving them out keeps far-future years uncomputed.
  e.mustTradeDays = [e.listDay];
  if (e.delistDraw <= index.lastDay) e.mustTradeDays.push(previousTradingDayNumber(e.delistDraw + 1));
  if (renameDraw <= index.lastDay) {
    const renameDay = tradingDayOnOrAfter(renameDraw);
    e.mustTradeDays.push(renameDay, previousTradingDayNumber(renameDay));
  }
  if (e.delistDraw <= index.lastDay) {
    e.lastIndex = index.floorIndex(e.delistDraw);
    e.delisted = e.lastIndex >= e.firstIndex;
  } else {
    e.lastIndex = lastIndexOfRange;
  }
  if (renameDraw <= index.lastDay) {
    const day = tradingDayOnOrAfter(renameDraw);
    const at = index.indexOf(day);
    if (at > e.firstIndex && at <= e.lastIndex) e.renameIndex = at;
  }
}

/** A preferred share, warrant or unit of an earlier common stock that never renames. */
function attachToParent(state: BuildState, e: Entity, rng: Rng): boolean {
  for (let j = e.id - 1 - rng.int(Math.max(1, Math.min(40, e.id - 1))); j >= 1; j--) {
    const parent = state.all[j];
    if (!parent || parent.type !== 'CS' || parent.newSymbol !== null || parent.ipo) continue;
    const series = state.childCount.get(parent.id) ?? 0;
    const base = parent.symbol;
    let symbol: string;
    if (e.type === 'PFD') symbol = `${base}p${'ABCDEFGH'[series % 8]}`;
    else if (e.type === 'WARRANT') symbol = `${base}.WS`;
    else symbol = `${base}.U`;
    if (state.taken.has(symbol)) continue;
    state.taken.add(symbol);
    state.childCount.set(parent.id, series + 1);
    e.symbol = symbol;
    e.parentId = parent.id;
    e.sector = parent.sector;
    const suffix = e.type === 'PFD' ? ` Depositary Shares Series ${'ABCDEFGH'[series % 8]}` : e.type === 'WARRANT' ? ' Warrants' : ' Units';
    e.name = parent.name.replace(/ (Inc\.|Corp\.|Holdings Inc\.|Group Inc\.|Co\.|Ltd\.)$/, '') + suffix;
    e.exchange = parent.exchange === 'XNAS' ? 'XNAS' : 'XNYS';
    // A derived security cannot outlive the company behind it.
    if (parent.delistDraw < e.delistDraw) {
      e.delistDraw = parent.delistDraw;
      e.lastIndex = parent.lastIndex;
      e.delisted = parent.delisted;
      e.mustTradeDays = e.delisted ? [e.listDay, previousTradingDayNumber(e.delistDraw + 1)] : [e.listDay];
    }
    return true;
  }
  return false;
}

function draftFor(rng: Rng, type: SecurityType, rank: number): Draft {
  const identity = type === 'ETF' ? etfIdentity(rng) : companyIdentity(rng, type === 'ADRC');
  return { type, identity, exchange: exchangeFor(type, rng), rank, rng };
}

/**
 * Builds the securities of a market: `tickers` seasoned names listed before the range (ranked
 * across the size spectrum of a 12,000-name market), then IPOs arriving at a steady yearly rate.
 * Each security draws from its own stream and tickers are allocated in creation order, so a
 * later range end only appends IPOs and never changes an existing security.
 */
export function buildUniverse(tickers: number, underlyingCount: number, seedBase: number, index: TradingDayIndex): Universe {
  const state: BuildState = {
    index,
    taken: new Set(['SPY']),
    all: [],
    underlyingsWanted: underlyingCount,
    underlyingsTaken: 0,
    childCount: new Map(),
  };
  const spacing = FULL_MARKET_TICKERS / tickers;
  for (let i = 0; i < tickers; i++) {
    const rng = createRng(mix(mix(seedBase, STREAM.entity), i));
    let type = typeFor(i, tickers, rng);
    const derived = type === 'PFD' || type === 'WARRANT' || type === 'UNIT';
    const rank = 1 + i * spacing + rng.next() * spacing * 0.5;
    const draft = draftFor(rng, derived ? 'CS' : type, rank);
    draft.type = type;
    const listDay = tradingDayOnOrAfter(index.firstDay - 365 - rng.int(365 * 28));
    const e = completeEntity(state, i, draft, listDay, 0, false);
    if (i === 0) {
      // The index ETF moves with the market, from an index-fund price.
      e.beta = 1;
      e.sigma = 0.002;
      e.p0 = 110 + 20 * rng.next();
    }
    if (derived && !attachToParent(state, e, rng)) {
      type = 'CS';
      e.type = 'CS';
    }
    if (!e.symbol) {
      e.symbol = i === 0 ? 'SPY' : allocateSymbol(rng, draft.identity.seedLetters, symbolLength(type, e.exchange, rank, rng), state.taken);
      if (i === 0) e.name = 'Standard 500 Index ETF Trust';
    }
    reserveRenameSymbol(state, e, rng);
    state.all.push(e);
  }
  // IPOs: arrival j lands in slot j of a fixed grid, so the sequence never depends on the range end.
  const ipoSpacingDays = DAYS_PER_YEAR / (tickers * LISTING_RATE);
  const horizon = index.lastDay + IPO_ANNOUNCE_DAYS;
  for (let j = 0; ; j++) {
    const rng = createRng(mix(mix(seedBase, STREAM.ipo), j));
    const day = tradingDayOnOrAfter(index.firstDay + 1 + Math.floor((j + rng.next()) * ipoSpacingDays));
    if (day > horizon) break;
    const type: SecurityType = rng.chance(0.8) ? 'CS' : 'ETF';
    const rank = 150 + rng.next() * (FULL_MARKET_TICKERS - 150);
    const draft = draftFor(rng, type, rank);
    const firstIndex = day <= index.lastDay ? index.indexOf(day) : index.days.length;
    const e = completeEntity(state, tickers + j, draft, day, firstIndex, true);
    e.symbol = allocateSymbol(rng, draft.identity.seedLetters, symbolLength(type, e.exchange, rank, rng), state.taken);
    reserveRenameSymbol(state, e, rng);
    state.all.push(e);
  }
  const entities = state.all.filter((e) => e.firstIndex < index.days.length && e.lastIndex >= e.firstIndex);
  const pendingIpos = state.all.filter((e) => e.ipo && e.firstIndex >= index.days.length);
  const bySymbol = new Map<string, Entity>();
  for (const e of entities) {
    bySymbol.set(e.symbol, e);
    if (e.renameIndex >= 0 && e.newSymbol) bySymbol.set(e.newSymbol, e);
  }
  const optionUnderlyings = entities.filter((e) => e.optionTier > 0).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { entities, pendingIpos, bySymbol, optionUnderlyings, idCount: state.all.length, byId: state.all };
}

/** The ticker a security trades under on a trading index. */
export function symbolAt(e: Entity, k: number): string {
  return e.renameIndex >= 0 && k >= e.renameIndex ? (e.newSymbol as string) : e.symbol;
}
