import { describe, it, expect } from 'vitest';
import { dayKind, holidays, isTradingDay } from '../../../core/calendar/index.ts';
import { PUBLISHED_CLOSURES } from './published-nyse-schedule.ts';

describe('holidays against the published NYSE schedules', () => {
  for (let year = 2000; year <= 2027; year++) {
    it(`matches every weekday closure of ${year}`, () => {
      const expected = (PUBLISHED_CLOSURES[year] ?? []).map((md) => `${year}-${md}`);
      expect(holidays(`${year}-01-01`, `${year}-12-31`).map((h) => h.date)).toEqual(expected);
      for (const date of expected) expect(dayKind(date)).toBe('holiday');
    });
  }
});

describe('holiday names and observed days', () => {
  it('names 2025 closures, including the Carter day of mourning', () => {
    expect(holidays('2025-01-01', '2025-12-31')).toEqual([
      { date: '2025-01-01', name: "New Year's Day" },
      { date: '2025-01-09', name: 'National Day of Mourning for President Jimmy Carter' },
      { date: '2025-01-20', name: 'Martin Luther King Jr. Day' },
      { date: '2025-02-17', name: "Washington's Birthday" },
      { date: '2025-04-18', name: 'Good Friday' },
      { date: '2025-05-26', name: 'Memorial Day' },
      { date: '2025-06-19', name: 'Juneteenth National Independence Day' },
      { date: '2025-07-04', name: 'Independence Day' },
      { date: '2025-09-01', name: 'Labor Day' },
      { date: '2025-11-27', name: 'Thanksgiving Day' },
      { date: '2025-12-25', name: 'Christmas Day' },
    ]);
  });

  it('names every special closure', () => {
    const names = (from: string, to: string) => holidays(from, to).map((h) => h.name);
    expect(names('2001-09-11', '2001-09-14')).toEqual(Array(4).fill('September 11 attacks'));
    expect(names('2004-06-11', '2004-06-11')).toEqual(['National Day of Mourning for President Ronald Reagan']);
    expect(names('2007-01-02', '2007-01-02')).toEqual(['National Day of Mourning for President Gerald R. Ford']);
    expect(names('2012-10-29', '2012-10-30')).toEqual(['Hurricane Sandy', 'Hurricane Sandy']);
    expect(names('2018-12-05', '2018-12-05')).toEqual(['National Day of Mourning for President George H. W. Bush']);
  });

  it('does not observe a Saturday New Year on the Friday before', () => {
    expect(dayKind('2022-01-01')).toBe('weekend');
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2010-12-31')).toBe(true);
    expect(holidays('2021-12-20', '2022-01-10')).toEqual([{ date: '2021-12-24', name: 'Christmas Day' }]);
  });

  it('moves Sunday holidays to Monday and Saturday ones to Friday', () => {
    expect(holidays('2023-01-01', '2023-01-03')).toEqual([{ date: '2023-01-02', name: "New Year's Day" }]);
    expect(holidays('2022-06-18', '2022-06-21')).toEqual([{ date: '2022-06-20', name: 'Juneteenth National Independence Day' }]);
    expect(holidays('2026-07-01', '2026-07-06')).toEqual([{ date: '2026-07-03', name: 'Independence Day' }]);
    expect(dayKind('2026-07-04')).toBe('weekend');
  });

  it('starts Juneteenth in 2022 and MLK Day in 1998', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(dayKind('1998-01-19')).toBe('holiday');
    expect(isTradingDay('1997-01-20')).toBe(true);
  });

  it('returns ranges inclusive and ascending across years, and empty when reversed', () => {
    expect(holidays('2024-12-25', '2025-01-09').map((h) => h.date)).toEqual(['2024-12-25', '2025-01-01', '2025-01-09']);
    expect(holidays('2025-01-10', '2025-01-01')).toEqual([]);
  });
});
