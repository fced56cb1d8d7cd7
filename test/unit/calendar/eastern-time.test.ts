import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { etDateOf, etMidnightUtc, etToUtc } from '../../../core/calendar/index.ts';

const ZONE = 'America/New_York';
const DAY_MS = 86_400_000;

/** Every date from 2000-01-01 through 2030-12-31. */
function* datesOf2000To2030(): Generator<string> {
  for (let t = Date.UTC(2000, 0, 1); t <= Date.UTC(2030, 11, 31); t += DAY_MS) yield new Date(t).toISOString().slice(0, 10);
}

describe('etToUtc against luxon, 2000-2030', () => {
  // 01:xx and 02:xx are left out on purpose: on switch days they are ambiguous or skipped, and luxon
  // resolves those relative to the current offset; they are pinned explicitly below instead.
  // Luxon costs ~15 us a call, so a few times that straddle the switches stand in for the rest.
  const times: Array<[number, number]> = [[0, 0], [3, 0], [9, 30], [23, 59]];

  it('agrees on every day at every session boundary', () => {
    let mismatches = 0;
    for (const date of datesOf2000To2030()) {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      for (const [hour, minute] of times) {
        const want = DateTime.fromObject({ year, month, day, hour, minute }, { zone: ZONE }).toMillis();
        if (etToUtc(date, hour, minute).getTime() !== want) {
          mismatches++;
          expect(etToUtc(date, hour, minute).toISOString(), `${date} ${hour}:${minute}`).toBe(new Date(want).toISOString());
        }
      }
      if (etMidnightUtc(date).getTime() !== etToUtc(date, 0, 0).getTime()) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('pins known instants on both sides of the 2025 switches', () => {
    expect(etMidnightUtc('2025-03-09').toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(etToUtc('2025-03-09', 3, 0).toISOString()).toBe('2025-03-09T07:00:00.000Z');
    expect(etMidnightUtc('2025-03-10').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    expect(etMidnightUtc('2025-11-02').toISOString()).toBe('2025-11-02T04:00:00.000Z');
    expect(etToUtc('2025-11-02', 2, 0).toISOString()).toBe('2025-11-02T07:00:00.000Z');
    expect(etMidnightUtc('2025-11-03').toISOString()).toBe('2025-11-03T05:00:00.000Z');
  });

  it('uses the 1987-2006 rule before 2007', () => {
    expect(etMidnightUtc('2006-03-13').toISOString()).toBe('2006-03-13T05:00:00.000Z');
    expect(etMidnightUtc('2006-04-03').toISOString()).toBe('2006-04-03T04:00:00.000Z');
    expect(etMidnightUtc('2006-10-30').toISOString()).toBe('2006-10-30T05:00:00.000Z');
  });

  it('reads a skipped spring time as daylight time an hour later, and a repeated autumn time as its first occurrence', () => {
    expect(etToUtc('2025-03-09', 2, 30).toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(etToUtc('2025-11-02', 1, 30).toISOString()).toBe('2025-11-02T05:30:00.000Z');
  });
});

describe('etDateOf', () => {
  it('gives the New York date of a UTC instant', () => {
    expect(etDateOf(new Date(1711670400e3))).toBe('2024-03-28');
    expect(etDateOf(new Date('2025-01-01T04:59:59.999Z'))).toBe('2024-12-31');
    expect(etDateOf(new Date('2025-01-01T05:00:00.000Z'))).toBe('2025-01-01');
    expect(etDateOf(new Date('2025-07-01T03:59:59.999Z'))).toBe('2025-06-30');
    expect(etDateOf(new Date('2025-07-01T04:00:00.000Z'))).toBe('2025-07-01');
  });

  it('agrees with luxon either side of every New York midnight and around every switch, 2000-2030', () => {
    let mismatches = 0;
    const check = (ms: number): void => {
      const want = DateTime.fromMillis(ms, { zone: ZONE }).toISODate();
      if (etDateOf(new Date(ms)) !== want) {
        mismatches++;
        expect(etDateOf(new Date(ms)), new Date(ms).toISOString()).toBe(want);
      }
    };
    for (const date of datesOf2000To2030()) {
      const midnight = etMidnightUtc(date).getTime();
      check(midnight - 1);
      check(midnight);
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const noon = DateTime.fromObject({ year, month, day, hour: 12 }, { zone: ZONE });
      if (noon.offset !== noon.minus({ days: 1 }).offset) {
        // A switch day: sweep the small hours in 15-minute steps.
        for (let ms = midnight; ms < midnight + 6 * 3_600_000; ms += 900_000) check(ms);
      }
    }
    expect(mismatches).toBe(0);
  });

  it('round-trips with etMidnightUtc', () => {
    for (const date of datesOf2000To2030()) {
      if (etDateOf(etMidnightUtc(date)) !== date) expect(etDateOf(etMidnightUtc(date))).toBe(date);
    }
  });
});
