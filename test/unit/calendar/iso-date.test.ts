import { describe, it, expect } from 'vitest';
import { addDays, isIsoDate } from '../../../core/calendar/index.ts';
import { civilOf, dayNumberOf, weekdayOf } from '../../../core/calendar/iso-date.ts';
import { easterSunday } from '../../../core/calendar/month-rules.ts';

describe('isIsoDate', () => {
  it('accepts real YYYY-MM-DD dates', () => {
    for (const s of ['2025-01-01', '2024-02-29', '2000-02-29', '1999-12-31', '2025-12-31']) expect(isIsoDate(s)).toBe(true);
  });

  it('rejects impossible or loosely formatted dates', () => {
    for (const s of ['2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-01', '2025-01-1',
      '2025/01/01', '20250101', '2025-01-01T00:00', ' 2025-01-01', '', 'abcd-ef-gh', '2025-0a-01']) {
      expect(isIsoDate(s)).toBe(false);
    }
  });
});

describe('addDays', () => {
  it('does plain calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2025-03-09', 0)).toBe('2025-03-09');
    expect(addDays('2000-01-01', 366)).toBe('2001-01-01');
  });

  it('rejects fractional counts and bad dates', () => {
    expect(() => addDays('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
  });
});

describe('day numbers', () => {
  it('round-trip and agree with Date for 1900-2100', () => {
    for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2100, 11, 31); t += 86_400_000) {
      const day = t / 86_400_000;
      const d = new Date(t);
      const n = dayNumberOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      if (n !== day) expect(n).toBe(day);
      const c = civilOf(day);
      if (c.y !== d.getUTCFullYear() || c.m !== d.getUTCMonth() + 1 || c.d !== d.getUTCDate()) {
        expect(c).toEqual({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() });
      }
      if (weekdayOf(day) !== d.getUTCDay()) expect(weekdayOf(day)).toBe(d.getUTCDay());
    }
  });
});

describe('easterSunday', () => {
  it('matches known Easter dates', () => {
    const known: Record<number, string> = {
      1818: '03-22', 1943: '04-25', 2000: '04-23', 2008: '03-23', 2011: '04-24', 2019: '04-21', 2024: '03-31', 2025: '04-20', 2038: '04-25',
    };
    for (const [year, md] of Object.entries(known)) {
      const [m, d] = md.split('-').map(Number) as [number, number];
      expect(easterSunday(Number(year))).toBe(dayNumberOf(Number(year), m, d));
    }
  });
});
