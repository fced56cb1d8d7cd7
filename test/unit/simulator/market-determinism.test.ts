import { describe, expect, it } from 'vitest';
import { renderFlatFile, renderFlatFileCsv } from '../../../core/sources/simulator/flat-files/index.ts';
import { createMarket } from '../../../core/sources/simulator/market/index.ts';
import { TEST_MARKET } from './simulator-test-helpers.ts';

const DATE = '2024-03-01';

describe('market determinism', () => {
  it('renders the same bytes for the same seed, universe and range', () => {
    const a = createMarket({ ...TEST_MARKET });
    const b = createMarket({ ...TEST_MARKET });
    for (const ds of ['stocks_daily', 'stocks_minute', 'options_daily'] as const) {
      const fa = renderFlatFile(a, ds, DATE);
      const fb = renderFlatFile(b, ds, DATE);
      expect(fa).not.toBeNull();
      expect(fb!.body.equals(fa!.body)).toBe(true);
      expect(fb!.etag).toBe(fa!.etag);
    }
    expect(b.splits()).toEqual(a.splits());
    expect(b.dividends()).toEqual(a.dividends());
    expect(b.tickers()).toEqual(a.tickers());
  });

  it('renders different markets for different seeds', () => {
    const a = createMarket({ ...TEST_MARKET });
    const b = createMarket({ ...TEST_MARKET, seed: TEST_MARKET.seed + 1 });
    expect(renderFlatFileCsv(b, 'stocks_daily', DATE).equals(renderFlatFileCsv(a, 'stocks_daily', DATE))).toBe(false);
    expect(b.tickers().map((t) => t.ticker)).not.toEqual(a.tickers().map((t) => t.ticker));
  });

  it('keeps every earlier day identical when the range is extended', () => {
    // A simulator whose history ends "yesterday" must not rewrite last year's files every day.
    const short = createMarket({ ...TEST_MARKET, to: '2024-06-28' });
    const long = createMarket({ ...TEST_MARKET });
    for (const date of ['2023-06-01', '2024-06-27', '2024-06-28']) {
      for (const ds of ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'] as const) {
        expect(renderFlatFile(short, ds, date)!.etag, `${ds} ${date}`).toBe(renderFlatFile(long, ds, date)!.etag);
      }
    }
    const inShort = (d: string) => d <= '2024-06-28';
    expect(short.splits()).toEqual(long.splits().filter((s) => inShort(s.executionDate)));
    expect(short.dividends().map((d) => d.id)).toEqual(long.dividends().filter((d) => inShort(d.exDividendDate)).map((d) => d.id));
  });

  it('constructs a 20-year, 12,000-ticker market with its derived options (its speed is in npm run bench)', () => {
    const market = createMarket({ seed: 7, tickers: 12_000, from: '2005-01-03', to: '2024-12-31' });
    expect(market.options.optionUnderlyings).toBe(2000);
  });

  it('rejects impossible options with a clear message', () => {
    expect(() => createMarket({ seed: 1, tickers: 0, from: '2024-01-02', to: '2024-02-01' })).toThrow(/tickers/);
    expect(() => createMarket({ seed: 1, tickers: 10, from: '2024-03-01', to: '2024-02-01' })).toThrow(/starts after it ends/);
    expect(() => createMarket({ seed: 1.5, tickers: 10, from: '2024-01-02', to: '2024-02-01' })).toThrow(/seed/);
    expect(() => createMarket({ seed: 1, tickers: 10, from: '2024-01-02', to: '2024-02-30' })).toThrow(/YYYY-MM-DD/);
  });
});
