import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { openGoldBuild } from '../../../core/layers/gold/gold-build.ts';
import { activeGeneration, goldLayout } from '../../../core/layers/gold/gold-store.ts';
import type { GoldInstrument, GoldSpan } from '../../../core/layers/gold/gold-types.ts';
import { updateGold, writeGold } from '../../../core/layers/gold/gold-writer.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { treeDiff } from './qlib-dir-compare.ts';

const CAL = tradingDays('2024-01-02', '2024-06-28');
const FIELDS = ['close', 'factor', 'volume'];
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-gold-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A deterministic value; E has no bar every seventh day. */
function value(code: string, field: string, i: number): number {
  if (code === 'e' && i % 7 === 3) return Number.NaN;
  const base = code.charCodeAt(0) * 10 + i * 0.37 + FIELDS.indexOf(field);
  return field === 'volume' ? Math.round(base * 1000) : base;
}

/**
 * The whole truth as known on day d: A splits 2:1 on day 45 (its history halves), B is delisted after
 * day 50, C lists on day 48, D is delisted after day 43 and relisted on day 55 (two spans), and E,
 * appended through day 52, turns out (on day 53) to have been delisted after day 51.
 */
function truth(d: number): GoldInstrument[] {
  const inst = (code: string, spans: GoldSpan[], adjust = (_i: number) => 1): GoldInstrument => {
    const start = spans[0]!.start;
    const end = spans.at(-1)!.end;
    const inSpan = (i: number) => spans.some((s) => i >= s.start && i <= s.end);
    const fields = new Map(
      FIELDS.map(
        (f) => [f, Float32Array.from(
          { length: end - start + 1 },
          (_, k) => (inSpan(start + k) ? value(code, f, start + k) * (f === 'close' ? adjust(start + k) : 1) : Number.NaN),
        )],
      ),
    );
    return { code, spans, fields };
  };
  const out = [inst('a', [{ start: 0, end: d }], (i) => (d >= 45 && i < 45 ? 0.5 : 1)), inst('b', [{ start: 0, end: Math.min(d, 50) }])];
  if (d >= 48) out.push(inst('c', [{ start: 48, end: d }]));
  out.push(inst('d', d >= 55 ? [{ start: 0, end: 43 }, { start: 55, end: d }] : [{ start: 0, end: Math.min(d, 43) }]));
  out.push(inst('e', [{ start: 0, end: d >= 53 ? 51 : d }]));
  return out;
}

const slice = (g: GoldInstrument, from: number) =>
  new Map([...g.fields].map(([f, v]) => [f, (v as Float32Array).subarray(from - g.spans[0]!.start)] as const));

describe('gold writer: daily updates equal a full rebuild', () => {
  it('appends days, rewrites a split, lists, delists and relists, byte for byte', async () => {
    const live = path.join(tmp, 'live');
    await writeGold(live, { freq: 'day', calendar: CAL.slice(0, 41), instruments: truth(40) });
    const started: string[] = [];
    for (let d = 41; d <= 60; d++) {
      const want = new Map(truth(d).map((g) => [g.code, g]));
      const stats = await updateGold(live, 'day', (b) => {
        b.appendCalendar([CAL[d]!]);
        for (const g of want.values()) {
          const cur = b.state(g.code);
          const end = g.spans.at(-1)!.end;
          if (!cur || (g.code === 'a' && d === 45)) b.put(g);
          else if (g.code === 'e' && end < cur.binStart + cur.length - 1) b.setSpans('e', g.spans);
          else if (end === d) b.patch(g.code, d, slice(g, d), g.spans.length > cur.spans.length ? g.spans : undefined);
        }
      });
      started.push(stats.startedFrom);
      const full = path.join(tmp, `full-${d}`);
      await writeGold(full, { freq: 'day', calendar: CAL.slice(0, d + 1), instruments: truth(d) });
      expect(treeDiff(full, live), `day ${d}`).toEqual([]);
      fs.rmSync(full, { recursive: true });
    }
    // The first update starts empty (hard links); every later one recycles the standby in place.
    expect(started[0]).toBe('empty');
    expect(new Set(started.slice(1))).toEqual(new Set(['standby']));
    expect(readQlibInstruments(live).filter((s) => s.instrument === 'D')).toEqual([
      { instrument: 'D', start: CAL[0], end: CAL[43] },
      { instrument: 'D', start: CAL[55], end: CAL[60] },
    ]);
    const d = readQlibFeature(live, 'D', 'close')!;
    expect(d.values).toHaveLength(61);
    expect(Number.isNaN(d.values[50]!)).toBe(true);
  });

  it('inserting a calendar day rewrites the instruments it moves, like a rebuild', async () => {
    const cal = CAL.slice(0, 10);
    const without = cal.filter((_, i) => i !== 4);
    const mk = (code: string, start: number, end: number, labels: string[]): GoldInstrument => ({
      code,
      spans: [{ start, end }],
      fields: new Map(
        [['close', Float32Array.from(
          { length: end - start + 1 },
          (_, k) => (labels[start + k] === cal[4] ? Number.NaN : 10 + labels[start + k]!.charCodeAt(9)),
        )]],
      ),
    });
    const live = path.join(tmp, 'live');
    await writeGold(live, { freq: 'day', calendar: without, instruments: [mk('early', 0, 2, without), mk('late', 1, 8, without)] });
    await updateGold(live, 'day', (b) => b.setCalendar(cal));
    const full = path.join(tmp, 'full');
    await writeGold(full, { freq: 'day', calendar: cal, instruments: [mk('early', 0, 2, cal), mk('late', 1, 9, cal)] });
    expect(treeDiff(full, live)).toEqual([]);
  });

  it('readers see the old generation until the commit, and an abandoned build is reused', async () => {
    const live = path.join(tmp, 'live');
    await writeGold(live, { freq: 'day', calendar: CAL.slice(0, 41), instruments: truth(40) });
    await updateGold(live, 'day', (b) => {
      b.appendCalendar([CAL[41]!]);
      for (const g of truth(41)) if (g.spans.at(-1)!.end === 41) b.patch(g.code, 41, slice(g, 41));
    });
    const before = activeGeneration(goldLayout(live))!;
    // Open a build, change things, and abandon it (as a crash would).
    const open = openGoldBuild(live, { freq: 'day' });
    open.build.appendCalendar([CAL[42]!]);
    open.build.put({ code: 'zz', spans: [{ start: 0, end: 42 }], fields: new Map([['close', new Float32Array(43)]]) });
    open.build.patch('a', 20, new Map(FIELDS.map((f) => [f, new Float32Array(23).fill(7)])));
    expect(readQlibCalendar(live)).toHaveLength(42);
    expect(readQlibInstruments(live).some((s) => s.instrument === 'ZZ')).toBe(false);
    open.abort();
    expect(activeGeneration(goldLayout(live))).toEqual(before);
    const stats = await updateGold(live, 'day', (b) => {
      b.appendCalendar([CAL[42]!]);
      for (const g of truth(42)) if (g.spans.at(-1)!.end === 42) b.patch(g.code, 42, slice(g, 42));
    });
    expect(stats.startedFrom).toBe('leftover');
    const full = path.join(tmp, 'full');
    await writeGold(full, { freq: 'day', calendar: CAL.slice(0, 43), instruments: truth(42) });
    expect(treeDiff(full, live)).toEqual([]);
  });

  it('keeps one writer at a time and refuses directories it did not write', async () => {
    const live = path.join(tmp, 'live');
    await writeGold(live, { freq: 'day', calendar: CAL.slice(0, 3), instruments: [] });
    const open = openGoldBuild(live, { freq: 'day' });
    expect(() => openGoldBuild(live, { freq: 'day' })).toThrow(/being written by process/);
    open.abort();
    await expect(updateGold(live, '1min', () => {})).rejects.toThrow(/holds day data/);
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(path.join(plain, 'calendars'), { recursive: true });
    await expect(writeGold(plain, { freq: 'day', calendar: [], instruments: [] })).rejects.toThrow(/was not written by quantmini/);
  });

  it('rejects instruments that do not fit their spans or the calendar', async () => {
    const live = path.join(tmp, 'live');
    const bad = (g: Partial<GoldInstrument>) => writeGold(
      live,
      { freq: 'day', calendar: CAL.slice(0, 5), instruments: [{ code: 'x', spans: [{ start: 0, end: 4 }], fields: new Map(), ...g }] },
    );
    await expect(bad({ fields: new Map([['close', new Float32Array(3)]]) })).rejects.toThrow(/3 values for a range of 5/);
    await expect(bad({ spans: [{ start: 0, end: 5 }] })).rejects.toThrow(/past the calendar/);
    await expect(bad({ spans: [{ start: 0, end: 2 }, { start: 2, end: 4 }] })).rejects.toThrow(/must not overlap/);
    await expect(bad({ code: 'X' })).rejects.toThrow(/lowercase/);
    expect(fs.existsSync(live)).toBe(false);
  });
});
