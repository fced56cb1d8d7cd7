// Fetch units, snapshot density and refresh windows: pure functions of the calendar and the declarations.
import { describe, expect, it } from 'vitest';
import { addDays, isTradingDay, tradingDays } from '../../../core/calendar/index.ts';
import {
  fillQueryParams, firstTickerSnapshot, partitionDateOf, restExpectedPartitions, restFetchUnitOf, restFetchUnitsBetween,
  tickerSnapshotDates,
} from '../../../core/datasets/rest-fetch-units.ts';
import { restPartitionsToRefresh } from '../../../core/datasets/rest-refresh-windows.ts';
import { REST_DATASET_IDS } from '../../../core/datasets/rest-dataset-types.ts';
import { REST_DATASETS, restDataset } from '../../../core/datasets/rest-datasets.ts';

const schedule = { tickersDailyFrom: '2024-06-03' };

describe('partitions and fetch units', () => {
  it('places a weekend or holiday date in the next trading day', () => {
    expect(partitionDateOf('2024-03-15')).toBe('2024-03-15');
    expect(partitionDateOf('2024-03-16')).toBe('2024-03-18'); // Saturday
    expect(partitionDateOf('2024-03-29')).toBe('2024-04-01'); // Good Friday, then a weekend
    expect(partitionDateOf('2022-06-11')).toBe('2022-06-13'); // the recorded META event's Saturday
  });

  it('tiles the calendar: every day of a year belongs to exactly one unit of each dataset', () => {
    for (const decl of REST_DATASETS) {
      const units = restFetchUnitsBetween(decl.id, '2023-01-01', '2023-12-31', schedule);
      const owner = new Map<string, string>();
      for (const u of units) {
        expect(u.partitions.every(isTradingDay), decl.id).toBe(true);
        expect(u.key).toBe(u.partitions[0]);
        if (decl.fetch.kind === 'snapshot') {
          expect([u.from, u.to]).toEqual([u.key, u.key]);
          continue;
        }
        for (let d = u.from; d <= u.to; d = addDays(d, 1)) {
          expect(owner.get(d), `${decl.id} ${d}`).toBeUndefined();
          owner.set(d, u.key);
          expect(u.partitions).toContain(partitionDateOf(d));
        }
      }
      if (decl.fetch.kind !== 'snapshot') {
        for (let d = '2023-01-03'; d <= '2023-12-29'; d = addDays(d, 1)) expect(owner.has(d), `${decl.id} ${d}`).toBe(true);
      }
    }
  });

  it('fetches corporate actions by month, including the weekend before the month\'s first trading day', () => {
    const unit = restFetchUnitOf('splits', '2024-04-17', schedule);
    expect(unit.kind).toBe('month');
    expect([unit.key, unit.from, unit.to]).toEqual(['2024-04-01', '2024-03-29', '2024-04-30']);
    expect(unit.partitions).toEqual(tradingDays('2024-04-01', '2024-04-30'));
    expect(fillQueryParams(restDataset('splits').queries[0]!, unit, 1000)).toEqual({
      'execution_date.gte': '2024-03-29', 'execution_date.lte': '2024-04-30', sort: 'execution_date', order: 'asc', limit: '1000',
    });
  });

  it('asks news for the New York days of a partition, as UTC instants', () => {
    const unit = restFetchUnitOf('news', '2024-03-11', schedule); // a Monday after the DST change
    expect([unit.from, unit.to]).toEqual(['2024-03-09', '2024-03-11']);
    const params = fillQueryParams(restDataset('news').queries[0]!, unit, 1000);
    expect(params['published_utc.gte']).toBe('2024-03-09T05:00:00Z');
    expect(params['published_utc.lt']).toBe('2024-03-12T04:00:00Z');
  });

  it('snapshots the universe at month ends before the daily date and every trading day after it', () => {
    const dates = tickerSnapshotDates('2024-01-01', '2024-06-07', schedule.tickersDailyFrom);
    expect(dates).toEqual([
      '2024-01-31', '2024-02-29', '2024-03-28', '2024-04-30', '2024-05-31',
      '2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07',
    ]);
    expect(restExpectedPartitions('tickers', '2024-01-01', '2024-06-07', schedule)).toEqual(dates);
    // Twenty years of month ends: 12 snapshots a year instead of about 252.
    expect(tickerSnapshotDates('2004-01-01', '2023-12-31', '2030-01-01')).toHaveLength(240);
  });

  it('derives ticker_events intervals from consecutive snapshots and refuses dates before the first', () => {
    const interval = restFetchUnitOf('ticker_events', '2024-03-15', schedule);
    expect(interval.snapshots).toEqual({ previous: '2024-02-29', current: '2024-03-28' });
    expect(interval.partitions).toEqual(tradingDays('2024-03-01', '2024-03-28'));
    expect(fillQueryParams(restDataset('ticker_events').queries[0]!, interval, 0)).toEqual({ types: 'ticker_change' });
    const daily = restFetchUnitOf('ticker_events', '2024-06-05', schedule);
    expect(daily.snapshots).toEqual({ previous: '2024-06-04', current: '2024-06-05' });
    expect(daily.partitions).toEqual(['2024-06-05']);
    const first = firstTickerSnapshot(schedule);
    expect(first).toBe('2003-09-30');
    expect(() => restFetchUnitOf('ticker_events', '2003-09-15', schedule))
      .toThrow(/starts after the first universe snapshot \(2003-09-30\)/);
    expect(restExpectedPartitions('ticker_events', '2003-09-01', '2003-10-02', schedule)).toEqual(['2003-10-01', '2003-10-02']);
  });
});

describe('restPartitionsToRefresh', () => {
  it('refetches 30 trading days back and 90 calendar days ahead for announced actions', () => {
    const plan = restPartitionsToRefresh('dividends', '2024-06-12', schedule);
    expect(plan.lastComplete).toBe('2024-06-11');
    expect(plan.from).toBe('2024-04-29');
    expect(tradingDays(plan.from, plan.lastComplete)).toHaveLength(31);
    expect(plan.to).toBe('2024-09-10');
    expect(plan.units.map((u) => u.key)).toEqual(['2024-04-01', '2024-05-01', '2024-06-03', '2024-07-01', '2024-08-01', '2024-09-03']);
    expect(plan.partitions[0]).toBe('2024-04-29');
    expect(plan.partitions.at(-1)).toBe('2024-09-10');
  });

  it('looks 30 days back for datasets corrected after the fact, 2 for recent ones, and takes one snapshot of the universe', () => {
    const corrected = restPartitionsToRefresh('short_interest', '2024-06-12', schedule);
    expect([corrected.from, corrected.to]).toEqual(['2024-04-29', '2024-06-11']);
    const recent = restPartitionsToRefresh('financials', '2024-06-12', schedule);
    expect([recent.from, recent.to]).toEqual(['2024-06-07', '2024-06-11']);
    expect(recent.units).toHaveLength(3);
    const tickers = restPartitionsToRefresh('tickers', '2024-06-12', schedule);
    expect(tickers.partitions).toEqual(['2024-06-11']);
    expect(tickers.units.map((u) => u.key)).toEqual(['2024-06-11']);
  });

  it('takes the configured windows, per dataset first', () => {
    const perDataset = { splits: { lookaheadCalendarDays: 0 } };
    const settings = { ...schedule, lookbackTradingDays: 5, lookaheadCalendarDays: 10, perDataset };
    const dividends = restPartitionsToRefresh('dividends', '2024-06-12', settings);
    expect([dividends.from, dividends.to]).toEqual(['2024-06-04', '2024-06-22']);
    const splits = restPartitionsToRefresh('splits', '2024-06-12', settings);
    expect([splits.from, splits.to]).toEqual(['2024-06-04', '2024-06-11']);
    // The global lookback does not make snapshots refetch.
    expect(restPartitionsToRefresh('tickers', '2024-06-12', settings).partitions).toEqual(['2024-06-11']);
    expect(() => restPartitionsToRefresh('news', '2024-06-12', { ...schedule, lookbackTradingDays: -1 })).toThrow(/whole number/);
    expect(() => restPartitionsToRefresh('news', '12/06/2024', schedule)).toThrow(/YYYY-MM-DD/);
  });

  it('has a refresh plan for every dataset', () => {
    for (const id of REST_DATASET_IDS) expect(restPartitionsToRefresh(id, '2024-06-12', schedule).units.length, id).toBeGreaterThan(0);
  });
});
