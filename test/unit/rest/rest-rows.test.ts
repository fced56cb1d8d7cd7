// Typing, validation, partitioning and dedupe of REST records, on crafted pages.
import { describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { PageShapeError } from '../../../core/layers/bronze/rest-parsers.ts';
import { rowsFromPages } from '../../../core/layers/bronze/rest-rows.ts';
import { restFetchUnitOf, type RestFetchUnit } from '../../../core/datasets/rest-fetch-units.ts';
import { restDataset } from '../../../core/datasets/rest-datasets.ts';

const schedule = { tickersDailyFrom: '2024-06-03' };
const march = restFetchUnitOf('splits', '2024-03-15', schedule);
const split = (over: Record<string, unknown>) => ({ ticker: 'AAA', execution_date: '2024-03-11', split_from: 1, split_to: 2, ...over });
const page = (results: unknown[], n = 1) => ({ json: { status: 'OK', request_id: 'r', results }, page: n, id: null });

describe('REST rows', () => {
  it('rejects each malformed record with the first reason it fails', () => {
    const records = [
      split({ ticker: 'OK1' }),
      split({ ticker: ' ' }),
      split({ ticker: 'B', split_from: 0 }),
      split({ ticker: 'C', split_to: -2 }),
      split({ ticker: 'D', execution_date: '2024-02-30' }),
      split({ ticker: 'E', split_to: '2' }),
      split({ ticker: 'F', split_from: null }),
      split({ ticker: 'G', execution_date: '2024-04-02' }),
      'not an object',
      split({ ticker: 'H', split_to: Number.POSITIVE_INFINITY }),
    ];
    const out = rowsFromPages(restDataset('splits'), march, [page(records)]);
    expect(out.rejects.map((r) => [r.record_index, r.reason])).toEqual([
      [1, 'ticker is empty'],
      [2, 'split_from is not positive (0)'],
      [3, 'split_to is not positive (-2)'],
      [4, 'execution_date: expected a date as YYYY-MM-DD, got text "2024-02-30"'],
      [5, 'split_to: expected a number, got text "2"'],
      [6, 'missing split_from'],
      [7, 'execution_date 2024-04-02 is outside the requested window 2024-03-01..2024-03-28'],
      [8, 'the record is not a JSON object'],
      [9, 'split_to is not finite (Infinity)'],
    ]);
    expect(out.rejects[0]).toMatchObject({ date: '2024-03-11', page: 1, record: JSON.stringify(records[1]) });
    // A record whose own date cannot be read is filed under the unit's first partition.
    expect(out.rejects.find((r) => r.record_index === 4)?.date).toBe('2024-03-01');
    expect(out.byPartition.get('2024-03-11'))
      .toEqual([{ date: '2024-03-11', ticker: 'OK1', execution_date: '2024-03-11', split_from: 1, split_to: 2, id: null }]);
    expect(out.byPartition.size).toBe(march.partitions.length);
  });

  it('drops exact duplicates across pages and rejects a second record of a key with other values', () => {
    const out = rowsFromPages(restDataset('splits'), march, [
      page([split({}), split({ ticker: 'BBB' })], 1),
      page([split({}), split({ ticker: 'BBB', split_to: 3 })], 2),
    ]);
    expect(out.duplicates).toBe(1);
    expect(out.rejects.map((r) => [r.page, r.reason])).toEqual([
      [2, 'duplicate (ticker, execution_date) = (BBB, 2024-03-11) with different values (the first is kept)'],
    ]);
    expect(out.byPartition.get('2024-03-11')!.map((r) => [r.ticker, r.split_to])).toEqual([['AAA', 2], ['BBB', 2]]);
  });

  it('dedupes on the id when a record has one, and places a Saturday execution on Monday', () => {
    const out = rowsFromPages(restDataset('splits'), march, [
      page(['E1', 'E2', 'E1'].map((id) => split({ id, execution_date: '2024-03-09' }))),
    ]);
    expect(out.duplicates).toBe(1);
    expect(out.rejects).toEqual([]);
    expect(out.byPartition.get('2024-03-11')!.map((r) => [r.id, r.execution_date, r.date]))
      .toEqual([['E1', '2024-03-09', '2024-03-11'], ['E2', '2024-03-09', '2024-03-11']]);
  });

  it('refuses a page that is not the endpoint envelope', () => {
    const decl = restDataset('dividends');
    expect(() => rowsFromPages(decl, march, [{ json: { status: 'ERROR', error: 'x' }, page: 1, id: null }])).toThrow(PageShapeError);
    expect(() => rowsFromPages(decl, march, [{ json: { status: 'OK', results: {} }, page: 1, id: null }])).toThrow(/not a list/);
    expect(() => rowsFromPages(decl, march, [{ json: [1, 2], page: 1, id: null }])).toThrow(/not a JSON object/);
    // No results at all is an empty answer, not an error.
    expect(rowsFromPages(decl, march, [{ json: { status: 'OK', request_id: 'r' }, page: 1, id: null }]).records).toBe(0);
  });

  it('checks short volume against total volume and rejects a record dated on a holiday', () => {
    const unit = restFetchUnitOf('short_volume', '2024-03-28', schedule);
    const rec = (over: Record<string, unknown>) => ({ ticker: 'AAA', date: '2024-03-28', short_volume: 10, total_volume: 20, ...over });
    const records = [rec({}), rec({ ticker: 'B', short_volume: 30 }), rec({ ticker: 'C', date: '2024-03-29' })];
    const out = rowsFromPages(restDataset('short_volume'), unit, [page(records)]);
    expect(out.rejects.map((r) => r.reason))
      .toEqual(['short_volume (30) is above total_volume (20)', 'date 2024-03-29 is not a trading day']);
    expect(out.byPartition.get('2024-03-28')).toHaveLength(1);
  });

  it('files weekend news under Monday and keeps its New York date', () => {
    const unit = restFetchUnitOf('news', '2024-03-11', schedule);
    const article = (id: string, published_utc: string) => ({ id, published_utc, tickers: ['AAA'], publisher: { name: 'Wire' } });
    const out = rowsFromPages(restDataset('news'), unit, [
      page([article('sat', '2024-03-09T15:00:00Z'), article('late-sun', '2024-03-11T03:59:59Z'), article('mon', '2024-03-11T13:00:00Z')]),
    ]);
    expect(out.rejects).toEqual([]);
    expect(out.byPartition.get('2024-03-11')!.map((r) => [r.id, r.ny_date]))
      .toEqual([['sat', '2024-03-09'], ['late-sun', '2024-03-10'], ['mon', '2024-03-11']]);
  });

  it('turns each financials line item into a row and rejects a filing without statements', () => {
    const unit: RestFetchUnit = { ...restFetchUnitOf('financials', '2024-05-01', schedule) };
    expect(unit.partitions).toEqual(tradingDays('2024-05-01', '2024-05-01'));
    const filing = (over: Record<string, unknown>) =>
      ({ cik: '0001', filing_date: '2024-05-01', fiscal_period: 'Q1', fiscal_year: '2024', ...over });
    const out = rowsFromPages(restDataset('financials'), unit, [page([
      filing({ financials: { income_statement: { revenues: { label: 'Revenues', value: 10, unit: 'USD', order: 100 }, bad: 5 } } }),
      filing({ cik: '0002', financials: {} }),
      filing({ cik: '0003', fiscal_year: 'FY24', financials: { balance_sheet: { assets: { value: 1 } } } }),
    ])]);
    expect(out.byPartition.get('2024-05-01')!.map((r) => [r.cik, r.concept, r.value, r.fiscal_year]))
      .toEqual([['0001', 'revenues', 10, 2024]]);
    expect(out.rejects.map((r) => r.reason)).toEqual([
      'income_statement.bad is not a line item object',
      'the filing has no statement line items',
      'fiscal_year: expected a whole number, got text "FY24"',
    ]);
  });
});
