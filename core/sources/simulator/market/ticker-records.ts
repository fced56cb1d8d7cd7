import { formatDayNumber } from '../../../calendar/iso-date.ts';
import type { SimIpo, SimTicker, SimTickerChange } from '../simulator-types.ts';
import { mix, unitOf } from './hash-rng.ts';
import { cikFor, figiFor, usIsinFor } from './identifiers.ts';
import type { MarketEngine } from './market-engine.ts';
import { sectorOf } from './security-names.ts';
import { STREAM } from './streams.ts';
import { IPO_ANNOUNCE_DAYS, type Entity } from './universe.ts';

const EXCHANGE_NAMES: Record<SimTicker['primaryExchange'], string> = {
  XNYS: 'the New York Stock Exchange',
  XNAS: 'the Nasdaq Stock Market',
  ARCX: 'NYSE Arca',
  BATS: 'Cboe BZX',
  XASE: 'NYSE American',
};

/** Identifier numbers are offset by the seed so two markets do not share FIGIs. */
function idBase(seedBase: number): number {
  return (seedBase % 1_000_000) * 64;
}

/** The security whose CIK a derived security shares (its issuer), or itself. */
function issuerOf(engine: MarketEngine, e: Entity): Entity {
  if (e.parentId < 0) return e;
  return engine.universe().byId[e.parentId] ?? e;
}

/** Shares outstanding at a trading index: the listing count scaled by every split so far. */
export function sharesAt(engine: MarketEngine, e: Entity, k: number): number {
  let shares = e.sharesOutstanding;
  for (const a of engine.prices().sparseActions(e)) if (a.kind === 'split' && a.index <= k) shares = (shares * a.splitTo) / a.splitFrom;
  return Math.round(shares);
}

function slugOf(name: string): string {
  return (name.split(' ')[0] ?? 'company').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function describe(e: Entity, name: string): string {
  const where = EXCHANGE_NAMES[e.exchange];
  if (e.type === 'ETF') return `${name} is an exchange-traded fund listed on ${where}. It seeks investment results that correspond to its benchmark index.`;
  if (e.type === 'PFD') return `${name} are cumulative preferred shares paying quarterly dividends, listed on ${where}.`;
  if (e.type === 'WARRANT') return `${name} entitle holders to buy common shares at a fixed price; listed on ${where}.`;
  if (e.type === 'UNIT') return `${name} each consist of one common share and a fraction of a warrant; listed on ${where}.`;
  return `${name} ${sectorOf(e.sector).blurb}. Its shares are listed on ${where}.`;
}

/** The reference records of one security: one per ticker it traded under inside the range. */
export function tickerRecordsOf(engine: MarketEngine, e: Entity): SimTicker[] {
  const { dates } = engine.index;
  const base = idBase(engine.seedBase);
  const issuer = issuerOf(engine, e);
  const sector = e.type === 'ETF' ? { sicCode: '', sicDescription: '' } : sectorOf(issuer.sector);
  const h = mix(mix(engine.seedBase, STREAM.ids), e.id);
  const common = {
    type: e.type,
    primaryExchange: e.exchange,
    cik: cikFor(1_100_000 + (issuer.id % 400_000) * 2 + (engine.seedBase % 2)),
    compositeFigi: figiFor(base + e.id * 2),
    shareClassFigi: figiFor(base + e.id * 2 + 1 + 30_000_000),
    listDate: formatDayNumber(e.listDay),
    sicCode: sector.sicCode,
    sicDescription: sector.sicDescription,
    totalEmployees: e.type === 'CS' || e.type === 'ADRC' ? Math.round(40 + (e.dollarVolume / 4e5) * (0.5 + unitOf(h))) : 0,
    sharesOutstanding: sharesAt(engine, e, e.lastIndex),
    roundLot: 100,
  };
  const delistedDate = e.delisted ? (dates[e.lastIndex] as string) : null;
  if (e.renameIndex < 0 || !e.newSymbol || !e.newName) {
    return [{ ...common, ticker: e.symbol, name: e.name, delistedDate, renamedTo: null, renamedFrom: null, description: describe(e, e.name), homepageUrl: `https://www.${slugOf(e.name)}.example` }];
  }
  return [
    {
      ...common,
      ticker: e.symbol,
      name: e.name,
      delistedDate: dates[e.renameIndex - 1] as string,
      renamedTo: { ticker: e.newSymbol, date: dates[e.renameIndex] as string },
      renamedFrom: null,
      description: describe(e, e.name),
      homepageUrl: `https://www.${slugOf(e.name)}.example`,
    },
    {
      ...common,
      ticker: e.newSymbol,
      name: e.newName,
      delistedDate,
      renamedTo: null,
      renamedFrom: e.symbol,
      description: describe(e, e.newName),
      homepageUrl: `https://www.${slugOf(e.newName)}.example`,
    },
  ];
}

/** Every ticker that traded in the range, sorted by ticker. */
export function tickerRecords(engine: MarketEngine): SimTicker[] {
  const out: SimTicker[] = [];
  for (const e of engine.universe().entities) for (const t of tickerRecordsOf(engine, e)) out.push(t);
  return out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
}

/** Common-stock IPOs listed in the range (history) or announced in it and listing after (pending). */
export function ipoRecords(engine: MarketEngine): SimIpo[] {
  const u = engine.universe();
  const lastDate = engine.options.to;
  const out: SimIpo[] = [];
  for (const e of [...u.entities, ...u.pendingIpos]) {
    if (!e.ipo || e.type !== 'CS') continue;
    const h = mix(mix(engine.seedBase, STREAM.ipo), e.id);
    const announced = formatDayNumber(e.listDay - 14 - (h % (IPO_ANNOUNCE_DAYS - 14)));
    if (announced > lastDate) continue;
    const listingDate = formatDayNumber(e.listDay);
    const pending = listingDate > lastDate;
    const price = e.p0;
    out.push({
      ticker: e.symbol,
      issuerName: e.name,
      listingDate,
      announcedDate: announced,
      finalIssuePrice: price,
      lowestOfferPrice: Math.max(1, Math.round(price * 0.88 * 2) / 2),
      highestOfferPrice: Math.round(price * 1.06 * 2) / 2,
      sharesOffered: Math.max(100_000, Math.round((e.sharesOutstanding * 0.15) / 100_000) * 100_000),
      primaryExchange: e.exchange,
      securityType: 'CS',
      securityDescription: 'Ordinary Shares',
      ipoStatus: pending ? 'pending' : 'history',
      isin: usIsinFor(idBase(engine.seedBase) + e.id),
      currencyCode: 'USD',
      lastUpdated: pending ? announced : listingDate,
    });
  }
  return out.sort((a, b) => (a.listingDate < b.listingDate ? -1 : a.listingDate > b.listingDate ? 1 : a.ticker < b.ticker ? -1 : 1));
}

/** Ticker-change histories of every renamed security, sorted by current ticker. */
export function tickerChangeRecords(engine: MarketEngine): SimTickerChange[] {
  const out: SimTickerChange[] = [];
  for (const e of engine.universe().entities) {
    if (e.renameIndex < 0 || !e.newSymbol || !e.newName) continue;
    out.push({
      currentTicker: e.newSymbol,
      name: e.newName,
      compositeFigi: figiFor(idBase(engine.seedBase) + e.id * 2),
      events: [
        { date: formatDayNumber(e.listDay), ticker: e.symbol },
        { date: engine.index.dates[e.renameIndex] as string, ticker: e.newSymbol },
      ],
    });
  }
  return out.sort((a, b) => (a.currentTicker < b.currentTicker ? -1 : 1));
}
