import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { earlyCloses, tradingDays } from '../../../core/calendar/index.ts';
import { minuteCalendar, minuteLabelsOfDay } from '../../../core/layers/gold/minute-calendar.ts';
import { writeMinuteGold, type MinuteDayInput } from '../../../core/layers/gold/minute-gold-writer.ts';
import { checkGold } from '../../../core/layers/gold/gold-check.ts';
import { writeGold } from '../../../core/layers/gold/gold-writer.ts';
import { readQlibCalendar, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { treeDiff } from './qlib-dir-compare.ts';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-gold-min-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('minute calendar from the NYSE day calendar', () => {
  it('labels each bar by its start, New York time, regular session by default', () => {
    const full = minuteLabelsOfDay('2024-07-05', 'regular');
    expect(full).toHaveLength(390);
    expect(full[0]).toBe('2024-07-05 09:30:00');
    expect(full.at(-1)).toBe('2024-07-05 15:59:00');
    const early = minuteLabelsOfDay('2024-07-03', 'regular');
    expect(early).toHaveLength(210);
    expect(early.at(-1)).toBe('2024-07-03 12:59:00');
    expect(minuteLabelsOfDay('2024-07-05', 'extended')).toHaveLength(960);
    expect(minuteLabelsOfDay('2024-07-05', 'extended')[0]).toBe('2024-07-05 04:00:00');
    expect(minuteLabelsOfDay('2024-07-03', 'extended').at(-1)).toBe('2024-07-03 16:59:00');
  });
  it('skips holidays and counts five years as sessions x minutes', () => {
    const cal = minuteCalendar('2024-07-03', '2024-07-05');
    expect(cal).toHaveLength(210 + 390);
    expect(cal.some((l) => l.startsWith('2024-07-04'))).toBe(false);
    const days = tradingDays('2020-01-01', '2024-12-31');
    const early = earlyCloses('2020-01-01', '2024-12-31').length;
    expect(minuteCalendar('2020-01-01', '2024-12-31')).toHaveLength(days.length * 390 - early * 180);
    expect(days.length * 390 - early * 180).toBe(489_000);
  });
});

describe('1-minute gold', () => {
  const fields = ['close', 'volume'];
  const bars = (date: string, code: string, minutes: number[]) => minutes.map(
    (m) => ({ code, minute: m, values: [m / 10 + code.charCodeAt(0), m * 100] }),
  );
  const days: MinuteDayInput[] = [
    { date: '2024-07-03', bars: [...bars(
      '2024-07-03',
      'aa',
      [572, 575, 779],
    ), ...bars('2024-07-03', 'bb', [600]), { code: 'aa', minute: 300, values: [1, 1] }] },
    { date: '2024-07-05', bars: [...bars('2024-07-05', 'aa', [570, 959]), ...bars('2024-07-05', 'cc', [700, 701])] },
  ];

  /** The same bins written through writeGold from whole arrays, built by hand. */
  async function expected(dir: string, listed: boolean) {
    const cal = minuteCalendar('2024-07-03', '2024-07-05');
    const at = (date: string, minute: number) => cal.indexOf(
      `${date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`,
    );
    const inst = (code: string, start: number, end: number, pts: Array<[string, number]>) => {
      const cols = fields.map(() => new Float32Array(end - start + 1).fill(Number.NaN));
      for (const [d, m] of pts) {
        cols[0]![at(d, m) - start] = m / 10 + code.charCodeAt(0);
        cols[1]![at(d, m) - start] = m * 100;
      }
      return { code, spans: [{ start, end }], fields: new Map(fields.map((f, i) => [f, cols[i]!])) };
    };
    const D3 = '2024-07-03';
    const D5 = '2024-07-05';
    const aPts: Array<[string, number]> = [[D3, 572], [D3, 575], [D3, 779], [D5, 570], [D5, 959]];
    const bPts: Array<[string, number]> = [[D3, 600]];
    const cPts: Array<[string, number]> = [[D5, 700], [D5, 701]];
    const last = cal.length - 1;
    const instruments = listed
      ? [inst('aa', 0, last, aPts), inst('bb', 0, 209, bPts), inst('cc', 210, last, cPts), inst('dd', 210, last, [])]
      : [
          inst('aa', at(D3, 572), at(D5, 959), aPts),
          inst('bb', at(D3, 600), at(D3, 600), bPts),
          inst('cc', at(D5, 700), at(D5, 701), cPts),
        ];
    await writeGold(dir, { freq: '1min', calendar: cal, instruments });
  }

  it('lays day-major bars on the minute calendar (first to last bar), flushing in small batches', async () => {
    const out = path.join(tmp, 'min');
    const stats = await writeMinuteGold(out, { from: '2024-07-03', to: '2024-07-05', fields, days, maxBufferedValues: 10 });
    expect(stats.bars).toBe(8);
    expect(stats.barsOutsideSession).toBe(1);
    const cal = readQlibCalendar(out, '1min');
    expect(cal).toHaveLength(600);
    expect(fs.existsSync(path.join(out, 'features', 'aa', 'close.1min.bin'))).toBe(true);
    const want = path.join(tmp, 'want');
    await expected(want, false);
    expect(treeDiff(want, out)).toEqual([]);
    // The calendar is the NYSE's session minutes, early close included; the bins match their spans.
    const report = checkGold(out, { freq: '1min' });
    expect(report.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(checkGold(out, { freq: '1min', session: 'extended' }).findings.some((f) => f.rule === 'calendar_nyse')).toBe(true);
  });

  it('uses point-in-time listings for spans, including an instrument that never traded', async () => {
    const out = path.join(tmp, 'min');
    const listings = new Map([
      ['aa', [{ first: '2024-01-01', last: '2024-12-31' }]],
      ['bb', [{ first: '2024-07-01', last: '2024-07-03' }]],
      ['cc', [{ first: '2024-07-05', last: '2024-07-05' }]],
      ['dd', [{ first: '2024-07-04', last: '2024-07-10' }]],
    ]);
    await writeMinuteGold(out, { from: '2024-07-03', to: '2024-07-05', fields, days, listings });
    const want = path.join(tmp, 'want');
    await expected(want, true);
    expect(treeDiff(want, out)).toEqual([]);
    expect(readQlibInstruments(out).find((s) => s.instrument === 'DD')).toEqual(
      { instrument: 'DD', start: '2024-07-05 09:30:00', end: '2024-07-05 15:59:00' },
    );
  });

  it('refuses days out of order and duplicate bars', async () => {
    const out = path.join(tmp, 'min');
    await expect(
      writeMinuteGold(out, { from: '2024-07-03', to: '2024-07-05', fields, days: [days[1]!, days[0]!] }),
    ).rejects.toThrow(/must ascend/);
    await expect(
      writeMinuteGold(
        out,
        { from: '2024-07-03', to: '2024-07-05', fields, days: [{ date: '2024-07-05', bars: [...bars('', 'aa', [600, 600])] }] },
      ),
    ).rejects.toThrow(/two bars/);
  });
});
