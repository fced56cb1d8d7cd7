// Every response recorded from the real API (test/fixtures/polygon-rest-samples) goes through its
// dataset's parser, typing, validation and dedupe without a reject, and the values land as published.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { rowsFromPages } from '../../../core/layers/bronze/rest-rows.ts';
import type { RestRow } from '../../../core/layers/bronze/rest-row-typing.ts';
import { partitionDateOf, type RestFetchUnit } from '../../../core/datasets/rest-fetch-units.ts';
import type { RestDatasetId } from '../../../core/datasets/rest-dataset-types.ts';
import { restDataset } from '../../../core/datasets/rest-datasets.ts';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/polygon-rest-samples');
const sample = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SAMPLES, name), 'utf8'));

/** A unit over the trading days from `from` to `to` (recorded pages span more than one month). */
function unitOver(dataset: RestDatasetId, from: string, to: string): RestFetchUnit {
  const partitions = tradingDays(partitionDateOf(from), partitionDateOf(to));
  return { dataset, kind: restDataset(dataset).fetch.kind, key: partitions[0]!, partitions, from, to };
}

/** Parses recorded pages and returns every row, asserting none was rejected. */
function parseAll(dataset: RestDatasetId, unit: RestFetchUnit, files: string[], id: string | null = null): RestRow[] {
  const out = rowsFromPages(restDataset(dataset), unit, files.map((f, i) => ({ json: sample(f), page: i + 1, id })));
  expect(out.rejects).toEqual([]);
  return [...out.byPartition.values()].flat();
}

describe('recorded REST samples', () => {
  it('splits.json: no ids, so (ticker, execution_date) keys them; ratios as published', () => {
    const rows = parseAll('splits', unitOver('splits', '2022-05-02', '2022-07-18'), ['splits.json']);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.id === null)).toBe(true);
    const brw = rows.find((r) => r.ticker === 'BRW')!;
    expect(brw).toMatchObject({ date: '2022-05-20', execution_date: '2022-05-20', split_from: 2, split_to: 1 });
    // Two SHOP splits a week apart are two records, not duplicates.
    expect(rows.filter((r) => r.ticker === 'SHOP').map((r) => r.execution_date)).toEqual(['2022-06-22', '2022-06-29']);
  });

  it('dividends.json: no id and no currency (null, never assumed USD)', () => {
    const rows = parseAll('dividends', unitOver('dividends', '2023-08-11', '2025-06-12'), ['dividends.json']);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.currency === null && r.id === null)).toBe(true);
    expect(rows.find((r) => r.ex_dividend_date === '2025-06-12')).toMatchObject({
      ticker: 'CSSEN', cash_amount: 0.59375, declaration_date: '2020-09-09', record_date: '2025-06-15', pay_date: '2025-06-30',
      frequency: 4, dividend_type: 'CD', date: '2025-06-12',
    });
    // 2025-06-15 (record date) is a Sunday: only the ex-date places a dividend.
    expect(rows.find((r) => r.ticker === 'AIRTP')).toMatchObject({ ex_dividend_date: '2023-08-11', cash_amount: 0.5 });
  });

  it('tickers-page-1/2.json: two pages of one snapshot, a row without cik kept', () => {
    const day = '2022-04-27';
    const unit: RestFetchUnit = { dataset: 'tickers', kind: 'snapshot', key: day, partitions: [day], from: day, to: day };
    const rows = parseAll('tickers', unit, ['tickers-page-1.json', 'tickers-page-2.json']);
    expect(rows.map((r) => r.ticker)).toEqual(['A', 'AA', 'AAA', 'AAAU']);
    expect(rows.find((r) => r.ticker === 'AAA'))
      .toMatchObject({ cik: null, type: 'ETF', active: true, composite_figi: 'BBG00X5FSP48', date: '2022-04-27' });
    expect(rows[0]!.last_updated_utc).toBe('2022-04-27T00:00:00.000Z');
  });

  it('ticker-events-META.json: the FB -> META rename on a Saturday goes to Monday, FB listing is another interval', () => {
    const unit = unitOver('ticker_events', '2022-06-01', '2022-06-30');
    const page = { json: sample('ticker-events-META.json'), page: 1, id: 'BBG000MM2P62' };
    const out = rowsFromPages(restDataset('ticker_events'), unit, [page]);
    expect(out.rejects).toEqual([]);
    expect(out.skipped).toBe(1);
    const rows = [...out.byPartition.values()].flat();
    expect(rows).toEqual([{
      date: '2022-06-13', event_date: '2022-06-11', ticker: 'META', previous_ticker: 'FB', event_type: 'ticker_change',
      composite_figi: 'BBG000MM2P62', cik: '0001326801', name: 'Meta Platforms, Inc. Class A Common Stock', queried_id: 'BBG000MM2P62',
    }]);
  });

  it('financials.json: one long row per line item of all four statements, fiscal_year as a number', () => {
    const rows = parseAll('financials', unitOver('financials', '2022-05-03', '2022-05-03'), ['financials.json']);
    expect(rows).toHaveLength(11 + 9 + 5 + 22);
    const statements = ['balance_sheet', 'cash_flow_statement', 'comprehensive_income', 'income_statement'];
    const counts = Object.fromEntries(statements.map((s) => [s, rows.filter((r) => r.statement === s).length]));
    expect(counts).toEqual({ balance_sheet: 11, cash_flow_statement: 9, comprehensive_income: 5, income_statement: 22 });
    expect(rows.find((r) => r.concept === 'equity_attributable_to_noncontrolling_interest')).toMatchObject({
      date: '2022-05-03', filing_date: '2022-05-03', cik: '0001413447', company_name: 'NXP Semiconductors N.V.', fiscal_year: 2022,
      fiscal_period: 'Q1', timeframe: null, tickers: null, start_date: '2022-01-01', end_date: '2022-04-03', value: 2.51e8, unit: 'USD',
      line_order: 1500, label: 'Equity Attributable To Noncontrolling Interest',
    });
    expect(rows.find((r) => r.concept === 'basic_earnings_per_share')?.unit).toBe('USD / shares');
  });

  it('news-NFLX.json: published instant, its New York trading date, tickers kept as a list', () => {
    const rows = parseAll('news', unitOver('news', '2022-04-28', '2022-04-28'), ['news-NFLX.json']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      date: '2022-04-28', published_utc: '2022-04-28T17:08:00.000Z', ny_date: '2022-04-28', tickers: ['MSFT', 'TSN', 'NFLX', 'AMZN'],
      publisher_name: 'MarketWatch', publisher_favicon_url: 'https://s3.massive.com/public/assets/news/favicons/marketwatch.ico',
      id: 'JeJEhAVoKaqJ2zF9nzQYMg07UlEeWlis6Dsop33TPQY', keywords: null, insights: null,
    });
  });

  // No dataset here reads these endpoints; simulator-drift.test.ts holds the simulator to their shapes.
  it.each([
    'ticker-details-AAPL.json', 'ticker-details-AAPL-2020-10-01.json', 'ticker-types.json', 'grouped-daily-2005-04-04.json',
    'aggs-AAPL-1day-2005-04-01-2005-04-04.json',
  ])(
    '%s is an OK envelope with results',
    (f) => expect(sample(f)).toMatchObject({ status: 'OK', results: expect.anything() }),
  );
});
