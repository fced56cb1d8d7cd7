import { describe, it, expect } from 'vitest';
import { earlyCloses, isEarlyClose } from '../../../core/calendar/index.ts';
import { PUBLISHED_EARLY_CLOSES } from './published-nyse-schedule.ts';

describe('early closes', () => {
  for (const [year, days] of Object.entries(PUBLISHED_EARLY_CLOSES)) {
    it(`matches the published 13:00 closes of ${year}`, () => {
      const expected = days.map((md) => ({ date: `${year}-${md}`, closeEt: '13:00' }));
      expect(earlyCloses(`${year}-01-01`, `${year}-12-31`)).toEqual(expected);
    });
  }

  it('has exactly the three 2025 early closes', () => {
    expect(earlyCloses('2025-01-01', '2025-12-31').map((e) => e.date)).toEqual(['2025-07-03', '2025-11-28', '2025-12-24']);
    expect(isEarlyClose('2025-07-03')).toBe(true);
    expect(isEarlyClose('2025-07-02')).toBe(false);
  });

  it('treats a Friday July 3 as the observed holiday, not an early close', () => {
    expect(isEarlyClose('2020-07-03')).toBe(false);
    expect(isEarlyClose('2015-07-03')).toBe(false);
  });

  it('skips July 3 on a weekend and December 24 when it is the observed Christmas', () => {
    expect(isEarlyClose('2022-07-03')).toBe(false);
    expect(isEarlyClose('2021-12-24')).toBe(false);
    expect(isEarlyClose('2022-12-23')).toBe(false);
  });

  it('is false for closed days', () => {
    expect(isEarlyClose('2025-12-25')).toBe(false);
    expect(isEarlyClose('2025-12-27')).toBe(false);
  });
});
