import { describe, it, expect } from 'vitest';
import {
  dayKind,
  holidays,
  isTradingDay,
  nextTradingDay,
  previousTradingDay,
  tradingDays,
} from '../../../core/calendar/index.ts';

describe('dayKind and isTradingDay', () => {
  it('classifies weekends, holidays and sessions', () => {
    expect(dayKind('2025-01-04')).toBe('weekend');
    expect(dayKind('2025-01-05')).toBe('weekend');
    expect(dayKind('2025-01-09')).toBe('holiday');
    expect(dayKind('2025-01-10')).toBe('trading');
    expect(isTradingDay('2025-07-03')).toBe(true);
    expect(isTradingDay('2025-07-04')).toBe(false);
  });

  it('rejects malformed dates', () => {
    expect(() => dayKind('2025-02-30')).toThrow(RangeError);
    expect(() => isTradingDay('2025-1-02')).toThrow(RangeError);
    expect(() => tradingDays('2025-01-01', 'tomorrow')).toThrow(RangeError);
  });
});

describe('tradingDays', () => {
  it('counts 250 sessions in 2025 and 11 weekday closures', () => {
    const days = tradingDays('2025-01-01', '2025-12-31');
    expect(days).toHaveLength(250);
    expect(days[0]).toBe('2025-01-02');
    expect(days.at(-1)).toBe('2025-12-31');
    expect(holidays('2025-01-01', '2025-12-31')).toHaveLength(11);
  });

  it('is inclusive at both ends, ascending, and agrees with dayKind day by day', () => {
    expect(tradingDays('2025-01-08', '2025-01-13')).toEqual(['2025-01-08', '2025-01-10', '2025-01-13']);
    expect(tradingDays('2024-12-30', '2025-01-03')).toEqual(['2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03']);
    const span = tradingDays('2000-01-01', '2027-12-31');
    const sorted = [...span].sort();
    expect(span).toEqual(sorted);
    expect(new Set(span).size).toBe(span.length);
    let count = 0;
    for (let t = Date.UTC(2000, 0, 1); t <= Date.UTC(2027, 11, 31); t += 86_400_000) {
      if (isTradingDay(new Date(t).toISOString().slice(0, 10))) count++;
    }
    expect(span).toHaveLength(count);
  });

  it('returns nothing for a weekend-only or reversed range', () => {
    expect(tradingDays('2025-01-04', '2025-01-05')).toEqual([]);
    expect(tradingDays('2025-01-10', '2025-01-02')).toEqual([]);
  });

  it('returns a fresh array each call', () => {
    const a = tradingDays('2025-01-01', '2025-01-31');
    a.push('x');
    expect(tradingDays('2025-01-01', '2025-01-31')).not.toContain('x');
  });
});

describe('previousTradingDay and nextTradingDay', () => {
  it('steps over weekends', () => {
    expect(previousTradingDay('2025-03-10')).toBe('2025-03-07');
    expect(nextTradingDay('2025-03-07')).toBe('2025-03-10');
    expect(nextTradingDay('2025-03-08')).toBe('2025-03-10');
    expect(previousTradingDay('2025-03-09')).toBe('2025-03-07');
  });

  it('steps over holidays and holiday weekends', () => {
    expect(nextTradingDay('2025-04-17')).toBe('2025-04-21');
    expect(previousTradingDay('2025-04-21')).toBe('2025-04-17');
    expect(nextTradingDay('2025-01-08')).toBe('2025-01-10');
    expect(nextTradingDay('2024-12-31')).toBe('2025-01-02');
    expect(previousTradingDay('2025-01-02')).toBe('2024-12-31');
    expect(nextTradingDay('2001-09-10')).toBe('2001-09-17');
  });

  it('is strict even on trading days', () => {
    expect(previousTradingDay('2025-03-12')).toBe('2025-03-11');
    expect(nextTradingDay('2025-03-12')).toBe('2025-03-13');
  });
});
