import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatByteRate,
  formatBytes,
  formatCompactCount,
  formatCount,
  formatDateRange,
  formatDaysBehind,
  formatDuration,
  formatEta,
  formatInstant,
  formatPercent,
  formatRowRate,
  formatShortDate,
  formatTradingDate,
  humanize,
  plural,
} from '../../../renderer/lib/format.ts';

describe('formatBytes', () => {
  it('uses binary units, labelled KiB/MiB/GiB, with 3 significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(950)).toBe('950 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(28 * 1024 * 1024)).toBe('28.0 MiB');
    expect(formatBytes(58_400_000)).toBe('55.7 MiB');
    expect(formatBytes(412 * 1024 ** 3)).toBe('412 GiB');
    expect(formatBytes(2.5 * 1024 ** 4)).toBe('2.50 TiB');
  });
  it('carries into the next unit instead of printing 1024', () => {
    expect(formatBytes(1024 * 1024 - 10)).toBe('1.00 MiB');
    expect(formatBytes(999 * 1024)).toBe('999 KiB');
  });
  it('renders missing values as a dash', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('counts and percentages', () => {
  it('groups thousands', () => {
    expect(formatCount(1_830_000)).toBe('1,830,000');
    expect(formatCount(12.6)).toBe('13');
    expect(formatCount(null)).toBe('—');
  });
  it('compacts large counts', () => {
    expect(formatCompactCount(950)).toBe('950');
    expect(formatCompactCount(12_400)).toBe('12.4k');
    expect(formatCompactCount(1_830_000)).toBe('1.83M');
    expect(formatCompactCount(364_000)).toBe('364k');
  });
  it('formats percentages', () => {
    expect(formatPercent(4.25)).toBe('4.3%');
    expect(formatPercent(71.6)).toBe('72%');
  });
});

describe('durations, rates and ETA', () => {
  it('formats durations at each scale', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe('2h 03m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });
  it('formats rates, dashing unknown or zero', () => {
    expect(formatByteRate(12.4 * 1024 * 1024)).toBe('12.4 MiB/s');
    expect(formatByteRate(0)).toBe('—');
    expect(formatRowRate(452_000)).toBe('452k rows/s');
    expect(formatRowRate(null)).toBe('—');
  });
  it('formats ETA', () => {
    expect(formatEta(0.4)).toBe('< 1 s');
    expect(formatEta(12.4)).toBe('12 s');
    expect(formatEta(65)).toBe('1m 05s');
    expect(formatEta(null)).toBe('—');
  });
});

describe('dates', () => {
  it('formats trading dates without time zones', () => {
    expect(formatTradingDate('2024-03-04')).toBe('Mon 4 Mar 2024');
    expect(formatShortDate('2024-12-31')).toBe('31 Dec 2024');
    expect(formatDateRange('2024-03-04', '2024-03-04')).toBe('4 Mar 2024');
    expect(formatDateRange('2024-03-04', '2024-03-08')).toBe('4 Mar 2024 – 8 Mar 2024');
  });
  it('shows instants in New York time', () => {
    // 2024-03-28T20:00:00Z is 16:00 EDT.
    expect(formatInstant('2024-03-28T20:00:00Z')).toBe('28 Mar 2024, 16:00:00 ET');
    // In January New York is UTC-5; the date comes day first like every date in the app.
    expect(formatInstant('2024-01-15T14:30:05Z')).toBe('15 Jan 2024, 09:30:05 ET');
    // Just after midnight UTC it is still the previous evening in New York.
    expect(formatInstant('2024-07-01T02:15:00Z')).toBe('30 Jun 2024, 22:15:00 ET');
  });
  it('says how long ago', () => {
    const now = Date.parse('2024-03-28T20:00:00Z');
    expect(formatAgo('2024-03-28T19:59:40Z', now)).toBe('just now');
    expect(formatAgo('2024-03-28T19:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2024-03-28T17:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2024-03-25T20:00:00Z', now)).toBe('3 days ago');
  });
});

describe('words', () => {
  it('describes freshness', () => {
    expect(formatDaysBehind(0)).toBe('Up to date');
    expect(formatDaysBehind(1)).toBe('1 trading day behind');
    expect(formatDaysBehind(12)).toBe('12 trading days behind');
    expect(formatDaysBehind(null)).toBe('No data yet');
  });
  it('pluralises and humanises', () => {
    expect(plural(1, 'job')).toBe('1 job');
    expect(plural(1200, 'job')).toBe('1,200 jobs');
    expect(humanize('not_entitled')).toBe('Not entitled');
  });
});
