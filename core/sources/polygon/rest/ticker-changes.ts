// /vX/reference/tickers/{id}/events answers for one entity at a time, so fetching it for all 12,000
// tickers would cost 12,000 requests per interval (40 hours on a basic key). Two universe snapshots
// already say which entities changed symbol: those are the only ones worth asking about.

/** The fields of a universe snapshot row the comparison needs. */
export interface UniverseRow {
  ticker: string;
  composite_figi: string | null;
  active: boolean;
}

/** An entity to ask the events endpoint about, and why. */
export interface TickerChange {
  /** What to put in the path: the composite FIGI when known (stable across renames), else the ticker. */
  id: string;
  /** The symbol in the later snapshot. */
  ticker: string;
  compositeFigi: string | null;
  reason: 'symbol changed' | 'FIGI changed';
}

/** Groups active rows as key -> set of values. */
function indexBy(
  rows: readonly UniverseRow[],
  key: (r: UniverseRow) => string | null,
  value: (r: UniverseRow) => string | null,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.active) continue;
    const k = key(r);
    const v = value(r);
    if (k === null || v === null) continue;
    let set = out.get(k);
    if (!set) out.set(k, (set = new Set()));
    set.add(v);
  }
  return out;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/**
 * The entities whose symbol or composite FIGI changes between two snapshots (active rows only):
 * a FIGI listed under another ticker than before (a rename such as FB -> META), or a ticker now held
 * by another FIGI (a symbol reused by a new entity). New listings and delistings are not changes:
 * the universe itself records them. A rename that also changes the FIGI looks like a delisting plus
 * a listing and cannot be told apart here. Pure; sorted by id.
 */
export function tickersWithChanges(previous: readonly UniverseRow[], current: readonly UniverseRow[]): TickerChange[] {
  const figi = (r: UniverseRow) => (r.composite_figi && r.composite_figi.trim() !== '' ? r.composite_figi : null);
  const beforeByFigi = indexBy(previous, figi, (r) => r.ticker);
  const afterByFigi = indexBy(current, figi, (r) => r.ticker);
  const beforeByTicker = indexBy(previous, (r) => r.ticker, figi);
  const afterByTicker = indexBy(current, (r) => r.ticker, figi);
  const out = new Map<string, TickerChange>();
  for (const [f, tickers] of afterByFigi) {
    const before = beforeByFigi.get(f);
    if (before && !sameSet(before, tickers)) {
      for (const t of tickers) if (!before.has(t)) out.set(f, { id: f, ticker: t, compositeFigi: f, reason: 'symbol changed' });
    }
  }
  for (const [t, figis] of afterByTicker) {
    const before = beforeByTicker.get(t);
    if (!before || sameSet(before, figis)) continue;
    for (const f of figis) if (!before.has(f) && !out.has(f)) out.set(f, { id: f, ticker: t, compositeFigi: f, reason: 'FIGI changed' });
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
