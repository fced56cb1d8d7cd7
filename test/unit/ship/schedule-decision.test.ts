import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS_PER_DAY, parseScheduleTime, scheduleDecision } from '../../../core/schedule/schedule-decision.ts';
import type { ScheduledRunRecord } from '../../../core/schedule/scheduled-runs.ts';

function run(date: string, outcome: ScheduledRunRecord['outcome']): ScheduledRunRecord {
  return { date, outcome, startedAt: `${date}T11:00:00.000Z`, finishedAt: `${date}T11:05:00.000Z`, message: '', runId: null, lakeRoot: '/lake' };
}

describe('scheduleDecision (New York time, NYSE calendar)', () => {
  it('exits at once on weekends and NYSE holidays', () => {
    const sat = scheduleDecision(new Date('2026-11-28T15:00:00Z'), '06:00', []);
    expect(sat).toMatchObject({ due: false, reason: 'non_trading', date: '2026-11-28' });
    const christmas = scheduleDecision(new Date('2026-12-25T15:00:00Z'), '06:00', []);
    expect(christmas).toMatchObject({ due: false, reason: 'non_trading' });
    expect(christmas.due ? '' : christmas.message).toContain('holiday');
  });

  it('waits for the time in New York, through daylight saving', () => {
    // Winter: 06:00 EST is 11:00 UTC.
    expect(scheduleDecision(new Date('2026-12-01T10:59:00Z'), '06:00', [])).toMatchObject({ due: false, reason: 'too_early' });
    expect(scheduleDecision(new Date('2026-12-01T11:00:00Z'), '06:00', [])).toMatchObject({ due: true, date: '2026-12-01', attempt: 1 });
    // Summer: 06:00 EDT is 10:00 UTC.
    expect(scheduleDecision(new Date('2026-07-01T10:00:00Z'), '06:00', [])).toMatchObject({ due: true, date: '2026-07-01' });
    expect(scheduleDecision(new Date('2026-07-01T09:59:00Z'), '06:00', [])).toMatchObject({ due: false, reason: 'too_early' });
  });

  it('uses the New York date, not the UTC one, late in the evening', () => {
    // 21:30 EST on Friday 2026-12-04 is already Saturday in UTC.
    expect(scheduleDecision(new Date('2026-12-05T02:30:00Z'), '06:00', [])).toMatchObject({ due: true, date: '2026-12-04' });
  });

  it('runs once per trading day, retrying a failed or refused run up to the limit', () => {
    const at = new Date('2026-12-01T15:00:00Z');
    expect(scheduleDecision(at, '06:00', [run('2026-12-01', 'complete')])).toMatchObject({ due: false, reason: 'done' });
    expect(scheduleDecision(at, '06:00', [run('2026-11-30', 'complete'), run('2026-12-01', 'refused')])).toMatchObject({ due: true, attempt: 2 });
    const failures = Array.from({ length: MAX_ATTEMPTS_PER_DAY }, () => run('2026-12-01', 'failed'));
    expect(scheduleDecision(at, '06:00', failures)).toMatchObject({ due: false, reason: 'gave_up' });
  });

  it('rejects times that are not HH:MM', () => {
    expect(parseScheduleTime('06:05')).toEqual({ hour: 6, minute: 5 });
    for (const bad of ['6:00', '24:00', '06:60', '0600', '']) expect(() => parseScheduleTime(bad)).toThrow(/HH:MM/);
  });
});
