// The simulator's upstream-correction fault: syntax, the instant it takes effect, what it changes.
import { describe, expect, it } from 'vitest';
import { createFaultState } from '../../../core/sources/simulator/faults/fault-state.ts';
import { FaultSyntaxError, formatFaults, parseFaults } from '../../../core/sources/simulator/faults/parse-faults.ts';
import { correctDividends } from '../../../core/sources/simulator/faults/rest-corrections.ts';
import type { SimDividend } from '../../../core/sources/simulator/simulator-types.ts';

const div = (ticker: string, exDividendDate: string, cashAmount: number): SimDividend => ({
  id: `D-${ticker}-${exDividendDate}`, ticker, cashAmount, currency: 'USD', declarationDate: '2024-02-20', exDividendDate,
  recordDate: exDividendDate, payDate: '2024-04-01', frequency: 4, dividendType: 'CD',
});

describe('dividend-corrected fault', () => {
  it('parses with and without a ticker, round-trips, and rejects bad dates', () => {
    const faults = parseFaults('dividend-corrected@2024-03-11,dividend-corrected@2024-03-12/AAA,rest-429:2');
    expect(faults).toEqual([
      { kind: 'dividend-corrected', date: '2024-03-11' },
      { kind: 'dividend-corrected', date: '2024-03-12', ticker: 'AAA' },
      { kind: 'rest-429', count: 2 },
    ]);
    expect(parseFaults(formatFaults(faults))).toEqual(faults);
    expect(() => parseFaults('dividend-corrected@2024-13-01')).toThrow(FaultSyntaxError);
    expect(() => parseFaults('dividend-corrected@2024-03-11/')).toThrow(/NAME@DATE\[\/TICKER\]/);
  });

  it('takes effect from the instant it is set, kept across a re-set, and is no file fault', () => {
    let now = new Date('2024-03-20T15:00:00Z');
    const state = createFaultState([], () => now);
    state.set(parseFaults('dividend-corrected@2024-03-11'));
    const since = state.corrections()[0]!.since;
    expect(since).toEqual(now);
    now = new Date('2024-03-21T15:00:00Z');
    state.set(parseFaults('dividend-corrected@2024-03-11,rest-5xx:1'));
    expect(state.corrections()[0]!.since).toEqual(since);
    expect(state.fileEffects('stocks_daily', '2024-03-11'))
      .toEqual({ unpublished: false, truncated: false, baddata: false, replacedAt: null });
    expect(state.list()).toContainEqual({ kind: 'dividend-corrected', date: '2024-03-11' });
  });

  it('raises one dividend by a cent (the named ticker, else the first by ticker) once its instant has come', () => {
    const rows = [div('BBB', '2024-03-11', 0.5), div('AAA', '2024-03-11', 0.24), div('AAA', '2024-03-12', 1)];
    const at = new Date('2024-03-20T00:00:00Z');
    const first = correctDividends(rows, [{ kind: 'dividend-corrected', date: '2024-03-11', since: at }], at);
    expect(first.map((d) => d.cashAmount)).toEqual([0.5, 0.25, 1]);
    const named = correctDividends(rows, [{ kind: 'dividend-corrected', date: '2024-03-11', ticker: 'BBB', since: at }], at);
    expect(named.map((d) => d.cashAmount)).toEqual([0.51, 0.24, 1]);
    expect(named[0]!.id).toBe(rows[0]!.id);
    const early = correctDividends(rows, [{ kind: 'dividend-corrected', date: '2024-03-11', since: at }], new Date(at.getTime() - 1));
    expect(early).toBe(rows);
  });
});
