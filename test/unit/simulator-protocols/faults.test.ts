import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createFaultState } from '../../../core/sources/simulator/faults/fault-state.ts';
import {
  applyFileFaults,
  OUT_OF_DAY_WINDOW_START,
  s3Etag,
  truncateGzip,
  withBadData,
  withReplacement,
} from '../../../core/sources/simulator/faults/file-variants.ts';
import { FaultSyntaxError, formatFaults, parseFaults } from '../../../core/sources/simulator/faults/parse-faults.ts';
import { flatFileEntitled, historyStart, planNamed } from '../../../core/sources/simulator/faults/simulator-plans.ts';

const HEADER = 'ticker,volume,open,close,high,low,window_start,transactions';
const csvOf = (rows: string[]) => Buffer.from(`${[HEADER, ...rows].join('\n')}\n`);
const rowsOf = (csv: Buffer) => csv.toString().trimEnd().split('\n').slice(1).map((l) => l.split(','));
const ROWS = Array.from({ length: 12 }, (_, i) => `T${String(i).padStart(2, '0')},${1000 + i}.500000,10.0,10.5,11.0,9.5,1709269200000000000,${20 + i}`);

describe('parseFaults', () => {
  it('parses every form and round-trips through formatFaults', () => {
    const text = 'unpublished,truncated@2024-03-05,replaced@2024-03-06/stocks_daily,slowdown:3,s3-503:2,rest-5xx:3,baddata@2024-03-07,s3-reset,rest-429:1,s3-500:1,unpublished@2024-03-08';
    const faults = parseFaults(text);
    expect(faults).toEqual([
      { kind: 'unpublished' },
      { kind: 'truncated', date: '2024-03-05' },
      { kind: 'replaced', date: '2024-03-06', dataset: 'stocks_daily' },
      { kind: 'slowdown', count: 3 },
      { kind: 's3-503', count: 2 },
      { kind: 'rest-5xx', count: 3 },
      { kind: 'baddata', date: '2024-03-07' },
      { kind: 's3-reset', count: 1 },
      { kind: 'rest-429', count: 1 },
      { kind: 's3-500', count: 1 },
      { kind: 'unpublished', date: '2024-03-08' },
    ]);
    expect(parseFaults(formatFaults(faults))).toEqual(faults);
    expect(parseFaults('')).toEqual([]);
  });

  it('rejects bad items with a message naming them', () => {
    expect(() => parseFaults('truncated@2024-02-30')).toThrow(/truncated@2024-02-30.*not a date/);
    expect(() => parseFaults('slowdown@2024-03-05')).toThrow(FaultSyntaxError);
    expect(() => parseFaults('explode:3')).toThrow(/unknown fault "explode:3"/);
    expect(() => parseFaults('replaced@2024-03-05/stocks_hourly')).toThrow(/unknown dataset "stocks_hourly"/);
    expect(() => parseFaults('slowdown:-1')).toThrow(/whole number/);
  });
});

describe('fault state', () => {
  it('consumes count faults in order and reports what is left', () => {
    const state = createFaultState(parseFaults('slowdown:2,s3-503:1,rest-5xx:2'), () => new Date(0));
    expect([state.takeS3Error(), state.takeS3Error(), state.takeS3Error(), state.takeS3Error()]).toEqual(['slowdown', 'slowdown', 's3-503', null]);
    expect(state.list()).toEqual([{ kind: 'rest-5xx', count: 2 }]);
    expect([state.takeRestError(), state.takeRestError(), state.takeRestError()]).toEqual(['rest-5xx', 'rest-5xx', null]);
    expect(state.rest5xxServed()).toBe(2);
  });

  it('scopes file faults to a date and optional dataset, and keeps a replacement instant across set()', () => {
    let clock = new Date('2024-03-07T12:00:00Z');
    const state = createFaultState(parseFaults('replaced@2024-03-06/stocks_daily,truncated@2024-03-05'), () => clock);
    expect(state.fileEffects('stocks_daily', '2024-03-06').replacedAt).toEqual(new Date('2024-03-07T12:00:00Z'));
    expect(state.fileEffects('stocks_minute', '2024-03-06').replacedAt).toBeNull();
    expect(state.fileEffects('options_minute', '2024-03-05').truncated).toBe(true);
    clock = new Date('2024-03-08T12:00:00Z');
    state.set(parseFaults('replaced@2024-03-06/stocks_daily'));
    expect(state.fileEffects('stocks_daily', '2024-03-06').replacedAt).toEqual(new Date('2024-03-07T12:00:00Z'));
    expect(state.fileEffects('options_minute', '2024-03-05').truncated).toBe(false);
  });
});

describe('file variants', () => {
  it('bad data: two high<low rows, a negative volume, an out-of-day window_start, a duplicate; the rest untouched', () => {
    const bad = rowsOf(withBadData(csvOf(ROWS)));
    const good = ROWS.map((r) => r.split(','));
    expect(bad).toHaveLength(good.length + 1);
    expect(bad.filter((r) => Number(r[4]) < Number(r[5]))).toHaveLength(2);
    expect(bad.filter((r) => Number(r[1]) < 0)).toHaveLength(1);
    expect(bad.filter((r) => r[6] === OUT_OF_DAY_WINDOW_START)).toHaveLength(1);
    const keys = bad.map((r) => `${r[0]}|${r[6]}`);
    expect(keys.length - new Set(keys).size).toBe(1);
    const untouched = bad.filter((r) => good.some((g) => g.join() === r.join()));
    expect(untouched.length).toBeGreaterThanOrEqual(good.length - 4);
    expect(withBadData(csvOf(ROWS)).toString().startsWith(`${HEADER}\n`)).toBe(true);
  });

  it('bad data still carries every defect in a one-row file', () => {
    const bad = rowsOf(withBadData(csvOf([ROWS[0]!])));
    expect(bad.some((r) => Number(r[4]) < Number(r[5]))).toBe(true);
    expect(bad.some((r) => Number(r[1]) < 0)).toBe(true);
    expect(bad.some((r) => r[6] === OUT_OF_DAY_WINDOW_START)).toBe(true);
  });

  it('replacement alters exactly one row and keeps it valid', () => {
    const v2 = rowsOf(withReplacement(csvOf(ROWS)));
    const changed = v2.filter((r, i) => r.join() !== ROWS[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]![1]).toMatch(/^\d+\.\d{6}$/);
  });

  it('truncation leaves an invalid gzip; applyFileFaults recomputes the ETag and dates version 2 later', () => {
    const body = gzipSync(csvOf(ROWS));
    const cut = truncateGzip(body);
    expect(cut.length).toBeLessThan(body.length);
    expect(() => gunzipSync(cut)).toThrow();
    const file = { dataset: 'stocks_daily' as const, date: '2024-03-06', key: 'k', body, etag: s3Etag(body), lastModified: new Date('2024-03-07T15:00:00Z') };
    const none = { unpublished: false, truncated: false, baddata: false, replacedAt: null };
    expect(applyFileFaults(file, none)).toBe(file);
    const v2 = applyFileFaults(file, { ...none, replacedAt: new Date('2024-03-07T15:00:10Z') });
    expect(v2.etag).not.toBe(file.etag);
    expect(v2.etag).toBe(s3Etag(v2.body));
    expect(v2.lastModified.getTime()).toBe(file.lastModified.getTime() + 60_000);
    const t = applyFileFaults(file, { ...none, truncated: true });
    expect(t.body.length).toBeLessThan(body.length);
    expect(t.etag).toBe(s3Etag(t.body));
  });
});

describe('plans', () => {
  const now = new Date('2025-06-15T16:00:00Z');
  it('basic has no flat files; starter has 5 years of stocks and 2 of options; advanced everything', () => {
    expect(flatFileEntitled(planNamed('basic'), 'stocks', '2025-06-13', now)).toBe(false);
    expect(flatFileEntitled(planNamed('starter'), 'stocks', '2020-06-15', now)).toBe(true);
    expect(flatFileEntitled(planNamed('starter'), 'stocks', '2020-06-12', now)).toBe(false);
    expect(flatFileEntitled(planNamed('starter'), 'options', '2023-06-15', now)).toBe(true);
    expect(flatFileEntitled(planNamed('starter'), 'options', '2023-06-14', now)).toBe(false);
    expect(flatFileEntitled(planNamed('advanced'), 'options', '2003-09-10', now)).toBe(true);
    expect(historyStart(2, new Date('2024-02-29T17:00:00Z'))).toBe('2022-02-28');
    expect(() => planNamed('platinum')).toThrow(/unknown plan "platinum"/);
  });
});
