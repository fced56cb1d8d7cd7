import { describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { liquidTracker, liquidUniverse, type UniverseDayRow } from '../../../core/layers/gold/universe-markets.ts';

const CAL = tradingDays('2024-01-02', '2024-04-30');
const idx = (d: string) => CAL.indexOf(d);

/** Rows in date order from per-instrument dollar-volume functions (null = no row that day). */
function rows(spec: Record<string, { type?: string; dv: (i: number) => number | null }>): UniverseDayRow[] {
  const out: UniverseDayRow[] = [];
  CAL.forEach((date, i) => {
    for (const [instrument, s] of Object.entries(spec)) {
      const dv = s.dv(i);
      if (dv !== null) out.push({ date, instrument, dollarVolume: dv, type: s.type ?? 'CS' });
    }
  });
  return out;
}

describe('liquid universe (top N by trailing dollar volume, monthly, point in time)', () => {
  it('chooses each month from the 20 days before it, merges stays and cuts at delisting', () => {
    const feb = idx('2024-02-01');
    const mar = idx('2024-03-01');
    const lines = liquidUniverse(
      rows({
        AAA: { dv: () => 100 },
        // BBB is huge only in the 20 days before March: a member in March only.
        BBB: { dv: (i) => (i >= mar - 20 && i < mar ? 1000 : 1) },
        CCC: { dv: () => 50 },
        // An ETF never qualifies, however liquid.
        SPY: { type: 'ETF', dv: () => 1e9 },
        // DDD leads in January, then is delisted in mid-February.
        DDD: { dv: (i) => (i < idx('2024-02-15') ? 500 : null) },
      }),
      { calendar: CAL, size: 2 },
    );
    // February: DDD and AAA. March: BBB and AAA (DDD is gone by then). April: AAA and CCC.
    expect(lines).toEqual([
      { instrument: 'AAA', start: CAL[feb], end: '2024-04-30' },
      { instrument: 'BBB', start: CAL[mar], end: '2024-03-28' },
      { instrument: 'CCC', start: '2024-04-01', end: '2024-04-30' },
      { instrument: 'DDD', start: CAL[feb], end: '2024-02-14' },
    ]);
  });

  it('gives a name that leaves and comes back one line per stay', () => {
    const mar = idx('2024-03-01');
    const lines = liquidUniverse(
      rows({ XXX: { dv: () => 10 }, YYY: { dv: (i) => (i >= mar - 20 && i < mar ? 1000 : 1) } }),
      { calendar: CAL, size: 1 },
    );
    expect(lines).toEqual([
      { instrument: 'XXX', start: '2024-02-01', end: '2024-02-29' },
      { instrument: 'XXX', start: '2024-04-01', end: '2024-04-30' },
      { instrument: 'YYY', start: '2024-03-01', end: '2024-03-28' },
    ]);
  });

  it('skips months without a full window behind them and breaks ties by name', () => {
    const lines = liquidUniverse(rows({ ZED: { dv: () => 10 }, ABE: { dv: () => 10 } }), { calendar: CAL, size: 1, windowDays: 60 });
    // January to March lack 60 trading days before them; April is the first month chosen.
    expect(lines).toEqual([{ instrument: 'ABE', start: '2024-04-01', end: '2024-04-30' }]);
  });

  it('refuses rows out of date order or twice on a day', () => {
    const r: UniverseDayRow[] = [
      { date: CAL[1]!, instrument: 'A', dollarVolume: 1, type: 'CS' },
      { date: CAL[0]!, instrument: 'A', dollarVolume: 1, type: 'CS' },
    ];
    expect(() => liquidUniverse(r, { calendar: CAL, size: 1 })).toThrow(/date order/);
    expect(() => liquidUniverse([r[0]!, r[0]!], { calendar: CAL, size: 1 })).toThrow(/twice/);
    // A row of the day a state was saved on, fed again after resuming, is a second row too.
    const head = liquidTracker({ calendar: CAL, size: 1 });
    head.feed(r[0]!);
    const resumed = liquidTracker({ calendar: CAL, size: 1 }, JSON.parse(JSON.stringify(head.save())) as ReturnType<typeof head.save>);
    expect(() => resumed.feedAt(1, 'A', 2, 'CS')).toThrow(/A appears twice on 2024-01-03/);
    expect(() => resumed.feedAt(CAL.length, 'A', 2, 'CS')).toThrow(/outside the calendar/);
  });

  it('resumed from a state saved at any day (through JSON) on a longer calendar, gives what one pass gives', () => {
    const all = rows({
      AAA: { dv: (i) => 100 + (i % 7) },
      BBB: { dv: (i) => (i % 30 < 12 ? 400 : i % 5 === 0 ? null : 3) },
      CCC: { dv: (i) => (i >= 30 ? 90 + (i % 11) : null) },
      DDD: { dv: (i) => (i < 55 ? 95 : null) },
    });
    const opts = { size: 2, windowDays: 5 };
    const whole = liquidUniverse(all, { calendar: CAL, ...opts });
    expect(whole.length).toBeGreaterThan(3);
    for (const cut of [3, 20, 21, 40, 61]) {
      const head = liquidTracker({ calendar: CAL.slice(0, cut + 1), ...opts });
      for (const r of all) if (idx(r.date) <= cut) head.feed(r);
      head.lines();
      const saved = JSON.parse(JSON.stringify(head.save())) as ReturnType<typeof head.save>;
      const tail = liquidTracker({ calendar: CAL, ...opts }, saved);
      for (const r of all) if (idx(r.date) > cut) tail.feed(r);
      expect(tail.lines(), `cut after ${CAL[cut]}`).toEqual(whole);
    }
  });
});
