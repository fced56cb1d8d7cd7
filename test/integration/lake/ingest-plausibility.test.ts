/**
 * Empty and implausible data never pass as complete (hardening issue, item 8): a header-only file,
 * a day whose rows are all rejected, absurd prices and volumes, things that are not tickers, a
 * byte-order mark, and control bytes that must not reach an error message raw.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../../core/lake/coverage.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { REJECT_REASONS } from '../../../core/layers/bronze/bronze-sql.ts';
import { AGG_HEADER, bar, csvGz, etNs, makeTempLake, putLanding } from './lake-fixtures.ts';

const DUCK = { threads: 1, memoryLimit: '256MB' };
let lake: string;

beforeAll(async () => {
  lake = await makeTempLake('qm-plausible-');
});
afterAll(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

async function rejectsOf(dataset: string, date: string): Promise<Array<[string, string]>> {
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    const r = await db.connection.runAndReadAll(`SELECT ticker, reject_reason FROM read_parquet(${sqlString(lakePaths(lake).rejectsFile(dataset, date))}) ORDER BY ALL`);
    return r.getRows() as Array<[string, string]>;
  } finally {
    db.close();
  }
}

describe('empty days', () => {
  it('a file with only its header is degraded ("no rows") and does not move the watermark past it', async () => {
    const [d1, d2] = ['2024-03-04', '2024-03-05'];
    await putLanding(lake, 'stocks_daily', d1, csvGz([bar('A', etNs(d1, 0))]));
    await putLanding(lake, 'stocks_daily', d2, csvGz([]));
    expect((await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d1, duckdb: DUCK })).state).toBe('complete');
    const empty = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d2, duckdb: DUCK });
    expect(empty).toMatchObject({ state: 'degraded', rows: 0, rejects: 0 });
    expect(empty.error).toMatch(/no rows/);
    const [cov] = await computeCoverage({ lakeRoot: lake, datasets: ['stocks_daily'], layer: 'bronze', from: d1, to: d2, now: new Date('2024-03-10T00:00:00Z') });
    expect(cov!.cells.map((c) => c.state)).toEqual(['complete', 'degraded']);
    expect(cov!.watermark).toBe(d1);
  });

  it('a day whose every row is rejected is failed, with its rejects kept and no bronze file', async () => {
    const d = '2024-03-06';
    await putLanding(lake, 'stocks_daily', d, csvGz([bar('A', etNs(d, 0), 10, 11, 5), bar('B', etNs(d, 0), -1, 11, 12)]));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK });
    expect(r).toMatchObject({ state: 'failed', rows: 0, rejects: 2 });
    expect(r.error).toMatch(/all 2 rows rejected/);
    expect(fs.existsSync(r.file)).toBe(false);
    expect((await readPartitionRecord(lake, 'bronze', 'stocks_daily', d))?.status).toBe('failed');
    expect((await rejectsOf('stocks_daily', d)).map(([t]) => t)).toEqual(['A', 'B']);
  });
});

describe('plausibility bounds', () => {
  it('rejects a price of 1e300 and a volume of 1e30 with reasons, and keeps the rest', async () => {
    const d = '2024-03-07';
    await putLanding(lake, 'stocks_daily', d, csvGz([
      bar('A', etNs(d, 0)),
      bar('B', etNs(d, 0), 10, 11, 1e300, 9),
      bar('C', etNs(d, 0), 10, 11, 12, 9, '1e30'),
    ]));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK });
    expect(r).toMatchObject({ state: 'degraded', rows: 1, rejects: 2 });
    expect(await rejectsOf('stocks_daily', d)).toEqual([['B', REJECT_REASONS.priceBound], ['C', REJECT_REASONS.volumeBound]]);
  });

  it('takes its bounds from the caller (settings.validation)', async () => {
    const d = '2024-03-08';
    await putLanding(lake, 'stocks_daily', d, csvGz([bar('A', etNs(d, 0), 10, 11, 12, 9, 5000)]));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK, bounds: { maxPrice: 1e7, maxVolume: 1000 } });
    expect(r.state).toBe('failed');
    expect(await rejectsOf('stocks_daily', d)).toEqual([['A', REJECT_REASONS.volumeBound]]);
  });
});

describe('stock tickers', () => {
  it("keeps Polygon's ticker forms and rejects what is not a ticker", async () => {
    const d = '2024-03-11';
    const good = ['A', 'BRK.A', 'APCA.WS', 'CFGpE', 'BF-B', 'ABCw', 'XYZr'];
    const bad = ['"A\nB"', "\"'); DROP TABLE stocks_daily; --\"", 'A\u0000B', 'a', 'AB CD', 'X'.repeat(21)];
    await putLanding(lake, 'stocks_daily', d, csvGz([...good, ...bad].map((t) => bar(t, etNs(d, 0)))));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK });
    expect(r).toMatchObject({ state: 'degraded', rows: good.length });
    const rejected = await rejectsOf('stocks_daily', d);
    expect(rejected).toHaveLength(bad.length);
    for (const [, reason] of rejected) expect(reason).toMatch(new RegExp(`${REJECT_REASONS.stockTicker}|unparseable`));
  });
});

describe('headers', () => {
  it('reports a UTF-8 byte-order mark as such', async () => {
    const d = '2024-03-12';
    await putLanding(lake, 'stocks_daily', d, zlib.gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${AGG_HEADER}\n${bar('A', etNs(d, 0))}\n`)])));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK });
    expect(r.state).toBe('failed');
    expect(r.error).toMatch(/the file starts with a UTF-8 byte-order mark \(bytes EF BB BF\) before its header; flat files have none/);
    expect(r.error).not.toContain('\ufeff');
  });

  it('never echoes control bytes of a wrong header raw', async () => {
    const d = '2024-03-13';
    await putLanding(lake, 'stocks_daily', d, zlib.gzipSync(Buffer.from('tick\u001b[31mer,\u0007volume\n')));
    const r = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: d, duckdb: DUCK });
    expect(r.error).toMatch(/wrong header/);
    // eslint-disable-next-line no-control-regex
    expect(r.error).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(r.error).toContain('\\u001b');
  });
});
