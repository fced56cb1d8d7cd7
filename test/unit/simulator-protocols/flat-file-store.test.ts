import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createFaultState } from '../../../core/sources/simulator/faults/fault-state.ts';
import { parseFaults } from '../../../core/sources/simulator/faults/parse-faults.ts';
import { createFlatFileStore } from '../../../core/sources/simulator/s3/flat-file-store.ts';
import { createFakeMarket, renderFakeFlatFile } from './fake-market.ts';

const DAY_KEY = (d: string) => `us_stocks_sip/day_aggs_v1/${d.slice(0, 4)}/${d.slice(5, 7)}/${d}.csv.gz`;

/** A store over the fake market with a settable clock and fault list; counts renders. */
function setup(faults = '') {
  let clock = new Date('2024-03-07T15:59:00Z'); // 10:59 ET on Thursday 7 March
  const state = createFaultState(parseFaults(faults), () => clock);
  let renders = 0;
  const store = createFlatFileStore({
    market: createFakeMarket(),
    render: (m, ds, d) => {
      renders++;
      return renderFakeFlatFile(m, ds, d);
    },
    faults: state,
    now: () => clock,
  });
  return { store, state, setClock: (d: Date) => (clock = d), renders: () => renders };
}

describe('flat-file store', () => {
  it('publishes a day at 11:00 ET of the next trading day, by the injected clock', () => {
    const { store, setClock } = setup();
    expect(store.visibleKeys()).toContain(DAY_KEY('2024-03-05'));
    expect(store.visibleKeys()).not.toContain(DAY_KEY('2024-03-06'));
    expect(store.isVisible(store.entry(DAY_KEY('2024-03-06'))!)).toBe(false);
    setClock(new Date('2024-03-07T16:00:00Z'));
    expect(store.visibleKeys()).toContain(DAY_KEY('2024-03-06'));
    expect(store.visibleKeys().filter((k) => k.startsWith('us_stocks_sip/day_aggs_v1/'))).toHaveLength(8);
  });

  it('never holds weekend or holiday keys, and hides a date withheld by unpublished@D', () => {
    const { store, setClock, state } = setup();
    setClock(new Date('2024-04-10T16:00:00Z'));
    expect(store.entry(DAY_KEY('2024-03-29'))).toBeUndefined(); // Good Friday
    expect(store.entry(DAY_KEY('2024-03-09'))).toBeUndefined(); // Saturday
    state.set(parseFaults('unpublished@2024-03-08/stocks_daily'));
    expect(store.visibleKeys()).not.toContain(DAY_KEY('2024-03-08'));
    expect(store.visibleKeys()).toContain('us_stocks_sip/minute_aggs_v1/2024/03/2024-03-08.csv.gz');
  });

  it('renders a file once for its metadata and serves the same bytes the metadata describes', async () => {
    const { store, renders } = setup();
    const entry = store.entry(DAY_KEY('2024-03-05'))!;
    expect(store.knownMeta(entry)).toBeUndefined();
    const [meta, again] = await Promise.all([store.meta(entry), store.meta(entry)]);
    expect(again).toEqual(meta);
    expect(store.knownMeta(entry)).toEqual(meta);
    const obj = (await store.object(entry))!;
    expect(renders()).toBe(1);
    expect(obj.size).toBe(meta!.size);
    expect(obj.etag).toBe(meta!.etag);
    expect(gunzipSync(obj.body).toString().split('\n')[0]).toBe('ticker,volume,open,close,high,low,window_start,transactions');
  });

  it('switches to version 2 when a replaced fault is set, keeping version 1 bytes otherwise', async () => {
    const { store, state } = setup();
    const entry = store.entry(DAY_KEY('2024-03-05'))!;
    const v1 = (await store.object(entry))!;
    state.set(parseFaults('replaced@2024-03-05'));
    const v2 = (await store.object(entry))!;
    expect(v2.etag).not.toBe(v1.etag);
    expect(v2.lastModified.getTime()).toBeGreaterThan(v1.lastModified.getTime());
    state.set([]);
    expect((await store.object(entry))!.etag).toBe(v1.etag);
  });
});
