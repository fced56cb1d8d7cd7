// Which entities the per-ticker events endpoint is asked about, from two universe snapshots.
import { describe, expect, it } from 'vitest';
import { tickersWithChanges, type UniverseRow } from '../../../core/sources/polygon/rest/ticker-changes.ts';

const row = (ticker: string, composite_figi: string | null, active = true): UniverseRow => ({ ticker, composite_figi, active });

describe('tickersWithChanges', () => {
  it('finds a rename by its FIGI (FB -> META) and a symbol taken over by a new FIGI', () => {
    const before = [row('AAPL', 'F-AAPL'), row('FB', 'F-META'), row('XYZ', 'F-OLD'), row('GONE', 'F-GONE')];
    const after = [row('AAPL', 'F-AAPL'), row('META', 'F-META'), row('FB', 'F-META', false), row('XYZ', 'F-NEW'), row('NEWCO', 'F-IPO')];
    expect(tickersWithChanges(before, after)).toEqual([
      { id: 'F-META', ticker: 'META', compositeFigi: 'F-META', reason: 'symbol changed' },
      { id: 'F-NEW', ticker: 'XYZ', compositeFigi: 'F-NEW', reason: 'FIGI changed' },
    ]);
  });

  it('ignores listings, delistings, inactive rows and rows without a FIGI', () => {
    const before = [row('A', 'F-A'), row('B', null), row('C', 'F-C')];
    const after = [row('A', 'F-A'), row('B2', null), row('D', 'F-D'), row('C', 'F-C', false)];
    expect(tickersWithChanges(before, after)).toEqual([]);
    expect(tickersWithChanges([], after)).toEqual([]);
  });

  it('asks about each changed entity once, however many of its rows changed', () => {
    const before = [row('X', 'F-1'), row('X.WS', 'F-1')];
    const after = [row('Y', 'F-1'), row('Y.WS', 'F-1')];
    expect(tickersWithChanges(before, after).map((c) => c.id)).toEqual(['F-1']);
  });
});
