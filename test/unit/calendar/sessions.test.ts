import { describe, it, expect } from 'vitest';
import {
  etToUtc,
  extendedHours,
  latestPublishedTradingDay,
  publicationInstant,
  sessionTimes,
} from '../../../core/calendar/index.ts';

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

describe('sessionTimes', () => {
  it('opens at 09:30 ET on both sides of the spring switch', () => {
    expect(iso(sessionTimes('2025-03-07')?.openUtc)).toBe('2025-03-07T14:30:00.000Z');
    expect(iso(sessionTimes('2025-03-07')?.closeUtc)).toBe('2025-03-07T21:00:00.000Z');
    expect(iso(sessionTimes('2025-03-10')?.openUtc)).toBe('2025-03-10T13:30:00.000Z');
    expect(iso(sessionTimes('2025-03-10')?.closeUtc)).toBe('2025-03-10T20:00:00.000Z');
  });

  it('opens at 09:30 ET on both sides of the autumn switch', () => {
    expect(iso(sessionTimes('2025-10-31')?.openUtc)).toBe('2025-10-31T13:30:00.000Z');
    expect(iso(sessionTimes('2025-11-03')?.openUtc)).toBe('2025-11-03T14:30:00.000Z');
  });

  it('closes at 13:00 ET on early-close days', () => {
    expect(sessionTimes('2024-11-29')).toEqual({
      openUtc: new Date('2024-11-29T14:30:00.000Z'),
      closeUtc: new Date('2024-11-29T18:00:00.000Z'),
      earlyClose: true,
    });
    expect(iso(sessionTimes('2025-07-03')?.closeUtc)).toBe('2025-07-03T17:00:00.000Z');
    expect(sessionTimes('2025-07-02')?.earlyClose).toBe(false);
  });

  it('is null on weekends and holidays', () => {
    expect(sessionTimes('2025-03-08')).toBeNull();
    expect(sessionTimes('2025-01-09')).toBeNull();
  });
});

describe('extendedHours', () => {
  it('runs 04:00 to 20:00 ET', () => {
    expect(extendedHours('2025-03-10')).toEqual({
      startUtc: new Date('2025-03-10T08:00:00.000Z'),
      endUtc: new Date('2025-03-11T00:00:00.000Z'),
    });
    expect(extendedHours('2025-01-10')).toEqual({
      startUtc: new Date('2025-01-10T09:00:00.000Z'),
      endUtc: new Date('2025-01-11T01:00:00.000Z'),
    });
  });

  it('ends at 17:00 ET on early-close days and is null when closed', () => {
    expect(iso(extendedHours('2024-11-29')?.endUtc)).toBe('2024-11-29T22:00:00.000Z');
    expect(extendedHours('2025-12-25')).toBeNull();
  });
});

describe('publicationInstant', () => {
  it('is 11:00 ET on the next trading day', () => {
    expect(publicationInstant('2025-03-11').toISOString()).toBe('2025-03-12T15:00:00.000Z');
    expect(publicationInstant('2025-01-06').toISOString()).toBe('2025-01-07T16:00:00.000Z');
  });

  it('moves a Friday to Monday 11:00 ET, across the DST switch', () => {
    expect(publicationInstant('2025-03-07').toISOString()).toBe('2025-03-10T15:00:00.000Z');
    expect(publicationInstant('2025-01-10').toISOString()).toBe('2025-01-13T16:00:00.000Z');
  });

  it('skips holidays', () => {
    expect(publicationInstant('2025-04-17').toISOString()).toBe('2025-04-21T15:00:00.000Z');
    expect(publicationInstant('2025-01-08').toISOString()).toBe('2025-01-10T16:00:00.000Z');
    expect(publicationInstant('2024-12-31').toISOString()).toBe('2025-01-02T16:00:00.000Z');
  });
});

describe('latestPublishedTradingDay', () => {
  it('switches at exactly 11:00 ET on a trading day', () => {
    const publish = etToUtc('2025-03-12', 11, 0);
    expect(latestPublishedTradingDay(new Date(publish.getTime() - 1))).toBe('2025-03-10');
    expect(latestPublishedTradingDay(publish)).toBe('2025-03-11');
    expect(latestPublishedTradingDay(etToUtc('2025-03-12', 23, 59))).toBe('2025-03-11');
  });

  it('holds Friday back until Monday 11:00 ET', () => {
    expect(latestPublishedTradingDay(etToUtc('2025-03-08', 12, 0))).toBe('2025-03-06');
    expect(latestPublishedTradingDay(etToUtc('2025-03-09', 23, 0))).toBe('2025-03-06');
    expect(latestPublishedTradingDay(etToUtc('2025-03-10', 10, 59))).toBe('2025-03-06');
    expect(latestPublishedTradingDay(etToUtc('2025-03-10', 11, 0))).toBe('2025-03-07');
  });

  it('uses the New York date, not the UTC date', () => {
    // 02:00Z on 2025-03-13 is still the evening of 2025-03-12 in New York.
    expect(latestPublishedTradingDay(new Date('2025-03-13T02:00:00.000Z'))).toBe('2025-03-11');
  });

  it('waits through holidays', () => {
    expect(latestPublishedTradingDay(etToUtc('2025-04-18', 12, 0))).toBe('2025-04-16');
    expect(latestPublishedTradingDay(etToUtc('2025-04-21', 11, 0))).toBe('2025-04-17');
  });

  it('agrees with publicationInstant for every trading day of 2024-2025', () => {
    for (let t = Date.UTC(2024, 0, 2); t <= Date.UTC(2025, 11, 30); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (sessionTimes(date) === null) continue;
      const at = publicationInstant(date);
      if (latestPublishedTradingDay(at) !== date) expect(latestPublishedTradingDay(at)).toBe(date);
      if (latestPublishedTradingDay(new Date(at.getTime() - 1)) === date) {
        expect(latestPublishedTradingDay(new Date(at.getTime() - 1))).not.toBe(date);
      }
    }
  });
});
