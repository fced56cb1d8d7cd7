import { etToUtcMs } from '../../../calendar/eastern-time.ts';
import type { SimNewsArticle } from '../simulator-types.ts';
import { createRng, mix, type Rng } from './hash-rng.ts';
import type { MarketEngine } from './market-engine.ts';
import { sectorOf } from './security-names.ts';
import { STREAM } from './streams.ts';
import { symbolAt, type Entity } from './universe.ts';

const PUBLISHERS = ['Simulated Wire', 'Market Chronicle', 'The Ticker Tape', 'Street Ledger', 'Quant Daily'];
const AUTHORS = ['Dana Whitfield', 'Marcus Ellery', 'Priya Raman', 'Tomás Ortega', 'Helen Zhao', 'Sam Okafor', 'Staff Writer'];
const UP_REASONS = ['quarterly results beat estimates', 'an analyst upgrade', 'raised full-year guidance', 'a new buyback programme', 'strong product demand'];
const DOWN_REASONS = ['an earnings miss', 'a broker downgrade', 'a cut to its outlook', 'a disclosed regulatory probe', 'weaker margins'];
const FLAT_TITLES = ['What investors are watching at {name}', '{name} to present at industry conference', '{name} names new chief financial officer', 'Is {name} stock a buy after its recent run?'];

/** Articles per trading day: about one every other day for a small market, a dozen at full size. */
function articlesPerDay(tickers: number): number {
  return 0.5 + tickers / 1000;
}

function hex64(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(rng.next() * 4294967296).toString(16).padStart(8, '0');
  return s;
}

/** A listed security for an article, favouring large names. */
function pickSubject(engine: MarketEngine, k: number, rng: Rng): Entity | null {
  const all = engine.universe().entities;
  for (let attempt = 0; attempt < 40; attempt++) {
    const e = all[rng.int(all.length)] as Entity;
    if (k < e.firstIndex || k > e.lastIndex) continue;
    if (rng.next() < Math.min(1, (e.dollarVolume / 2e9) ** 0.3)) return e;
  }
  return null;
}

/**
 * News of one trading day. Headlines follow what the subject's stock did that day (a 3% rise gets
 * a "shares rise 3.0%" story and positive sentiment), so news and prices agree.
 */
export function newsOfDay(engine: MarketEngine, k: number): SimNewsArticle[] {
  const day = engine.index.days[k] as number;
  const date = engine.index.dates[k] as string;
  const rng = createRng(mix(mix(engine.seedBase, STREAM.news), day));
  const rate = articlesPerDay(engine.options.tickers);
  const count = Math.floor(rate) + (rng.next() < rate - Math.floor(rate) ? 1 : 0);
  const prices = engine.prices();
  const out: SimNewsArticle[] = [];
  for (let i = 0; i < count; i++) {
    const e = pickSubject(engine, k, rng);
    if (!e) continue;
    const ticker = symbolAt(e, k);
    const name = (e.renameIndex >= 0 && k >= e.renameIndex ? e.newName : e.name) ?? e.name;
    const shortName = name.split(' ').slice(0, 2).join(' ');
    const move = k > e.firstIndex ? prices.adjustedClose(e, k) / prices.adjustedClose(e, k - 1) - 1 : 0;
    const pct = Math.abs(move * 100).toFixed(1);
    let title: string;
    let sentiment: SimNewsArticle['sentiment'];
    if (move > 0.01) {
      title = `${shortName} shares rise ${pct}% after ${rng.pick(UP_REASONS)}`;
      sentiment = 'positive';
    } else if (move < -0.01) {
      title = `${shortName} stock falls ${pct}% on ${rng.pick(DOWN_REASONS)}`;
      sentiment = 'negative';
    } else {
      title = rng.pick(FLAT_TITLES).replace('{name}', shortName);
      sentiment = 'neutral';
    }
    const minutes = 6 * 60 + rng.int(14 * 60);
    const published = new Date(etToUtcMs(day, Math.floor(minutes / 60), minutes % 60) + rng.int(60) * 1000);
    const id = hex64(rng);
    const iso = published.toISOString().replace('.000Z', 'Z');
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const sector = e.type === 'ETF' ? 'etf' : sectorOf(e.sector).sicDescription.toLowerCase().split(/[ ,&-]+/)[0] ?? 'markets';
    out.push({
      id,
      publishedUtc: iso,
      title,
      author: rng.pick(AUTHORS),
      articleUrl: `https://news.simwire.example/${date.replace(/-/g, '/')}/${slug}-${id.slice(0, 8)}`,
      description: `${name} (${ticker}) ${sentiment === 'neutral' ? 'was little changed' : `moved ${move > 0 ? 'up' : 'down'} ${pct}%`} in trading on ${date}.`,
      tickers: [ticker],
      keywords: [sector, sentiment === 'neutral' ? 'markets' : 'stock moves'],
      publisherName: rng.pick(PUBLISHERS),
      sentiment,
    });
  }
  return out.sort((a, b) => (a.publishedUtc < b.publishedUtc ? -1 : a.publishedUtc > b.publishedUtc ? 1 : 0));
}

/** Every article of the range, oldest first. */
export function newsRecords(engine: MarketEngine): SimNewsArticle[] {
  const out: SimNewsArticle[] = [];
  for (let k = 0; k < engine.index.days.length; k++) for (const a of newsOfDay(engine, k)) out.push(a);
  return out;
}
