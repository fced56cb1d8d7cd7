import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as pw from 'parquet-wasm';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { REJECT_REASONS } from '../../../core/layers/bronze/bronze-sql.ts';
import { SINGLE_PASS_MESSAGE, STAGED_MESSAGE } from '../../../core/layers/bronze/bronze-outputs.ts';
import type { JobProgress } from '../../../core/progress/job-progress.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { bar, csvGz, etNs, listFiles, makeTempLake, minuteDay, putLanding } from './lake-fixtures.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../fixtures/polygon-doc-samples');
const DUCK = { threads: 2, memoryLimit: '512MB' };
const D = '2024-03-05';

let lake: string;
let db: DuckDbHandle;
beforeAll(async () => {
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
});
afterAll(() => db.close());
beforeEach(async () => {
  lake = await makeTempLake();
});
afterEach(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await db.connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

describe('ingestDay: good files', () => {
  it('writes typed, sorted ZSTD Parquet under year=/month= and a complete record', async () => {
    await putLanding(lake, 'stocks_minute', D, csvGz(minuteDay(D, 30, 60)));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'complete', rows: 1800, rejects: 0 });
    const file = lakePaths(lake).bronzeFile('stocks_minute', D);
    expect(res.file).toBe(file);
    expect(file).toMatch(/bronze\/stocks_minute\/year=2024\/month=03\/2024-03-05\.parquet$/);
    const schema = await rows(`SELECT name, type FROM parquet_schema(${sqlString(file)}) WHERE name <> 'duckdb_schema'`);
    expect(schema).toEqual([
      ['ticker', 'BYTE_ARRAY'], ['volume', 'DOUBLE'], ['open', 'DOUBLE'], ['close', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'],
      ['window_start', 'INT64'], ['transactions', 'INT64'], ['date', 'INT32'],
    ]);
    const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(file)})`);
    expect(codecs).toEqual([['ZSTD']]);
    const [first] = await rows(`SELECT ticker, strftime(window_start, '%Y-%m-%d %H:%M:%S%z'), typeof(window_start), strftime(date, '%Y-%m-%d') FROM read_parquet(${sqlString(file)}) LIMIT 1`);
    expect(first).toEqual(['T0000', '2024-03-05 14:30:00+00', 'TIMESTAMP WITH TIME ZONE', D]);
    const rec = await readPartitionRecord(lake, 'bronze', 'stocks_minute', D);
    expect(rec).toMatchObject({ status: 'complete', rows: 1800, rejects: 0, bytes: fs.statSync(file).size, schemaVersion: 1, lastError: null });
    expect(rec?.sourceChecksum).toMatch(/^[0-9a-f]{64}$/);
    expect(listFiles(lake, '.tmp')).toEqual([]);
  });

  it('is read back with identical row counts by DuckDB (hive_partitioning) and parquet-wasm', async () => {
    await putLanding(lake, 'stocks_minute', D, csvGz(minuteDay(D, 7, 390)));
    await putLanding(lake, 'stocks_minute', '2024-04-01', csvGz(minuteDay('2024-04-01', 5, 100)));
    for (const date of [D, '2024-04-01']) await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date, duckdb: DUCK });
    const glob = path.join(lakePaths(lake).bronzeDir('stocks_minute'), '*', '*', '*.parquet');
    const byMonth = await rows(
      `SELECT year, month, count(*)::INTEGER FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER}) GROUP BY ALL ORDER BY ALL`,
    );
    expect(byMonth).toEqual([[2024, 3, 2730], [2024, 4, 500]]);
    for (const [date, expected] of [[D, 2730], ['2024-04-01', 500]] as const) {
      const bytes = new Uint8Array(fs.readFileSync(lakePaths(lake).bronzeFile('stocks_minute', date)));
      const table = pw.readParquet(bytes);
      const { tableFromIPC } = await import('apache-arrow');
      const arrow = tableFromIPC(table.intoIPCStream());
      expect(arrow.numRows).toBe(expected);
      expect(arrow.schema.fields.map((f) => f.name)).toContain('window_start');
    }
  });

  it('keeps a large sorted file in file order across row groups and threads (no sort needed)', async () => {
    await putLanding(lake, 'stocks_minute', D, csvGz(minuteDay(D, 900, 390)));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'complete', rows: 351_000 });
    const [[groups, disorder]] = (await rows(
      `SELECT (SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(res.file)}))::INTEGER,
              count(*) FILTER (WHERE ticker < pt OR (ticker = pt AND window_start <= pw))::INTEGER
         FROM (SELECT ticker, window_start, lag(ticker) OVER (ORDER BY file_row_number) pt, lag(window_start) OVER (ORDER BY file_row_number) pw
                 FROM read_parquet(${sqlString(res.file)}, file_row_number = true))`,
    )) as [[number, number]];
    expect(groups).toBeGreaterThan(2);
    expect(disorder).toBe(0);
  });

  it('keeps 2026 decimal volumes exactly', async () => {
    const date = '2026-05-22';
    const lines = [
      'A,2036584.149027,115.030000,114.960000,116.360000,113.675000,1779422400000000000,34455',
      'AA,0.5,40,41,42,39,1779422400000000000,1',
    ];
    await putLanding(lake, 'stocks_daily', date, csvGz(lines));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'complete', rows: 2 });
    const got = await rows(`SELECT ticker, volume FROM read_parquet(${sqlString(res.file)}) ORDER BY ticker`);
    expect(got).toEqual([['A', 2036584.149027], ['AA', 0.5]]);
  });

  it('parses option tickers into underlying, expiration, call/put and strike', async () => {
    const lines = [bar('O:SPY240315C00500000', etNs(D, 0)), bar('O:SPY240315P00495500', etNs(D, 0)), bar('O:AAPL1240419C00150000', etNs(D, 0))];
    await putLanding(lake, 'options_daily', D, csvGz(lines));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'options_daily', date: D, duckdb: DUCK });
    expect(res.state).toBe('complete');
    const got = await rows(`SELECT ticker, underlying, strftime(expiration, '%Y-%m-%d'), contract_type, strike FROM read_parquet(${sqlString(res.file)})`);
    expect(got).toEqual([
      ['O:AAPL1240419C00150000', 'AAPL1', '2024-04-19', 'call', 150],
      ['O:SPY240315C00500000', 'SPY', '2024-03-15', 'call', 500],
      ['O:SPY240315P00495500', 'SPY', '2024-03-15', 'put', 495.5],
    ]);
  });

  it('re-running a day replaces its file and removes rejects that no longer apply', async () => {
    await putLanding(lake, 'stocks_daily', D, csvGz([bar('A', etNs(D, 0)), bar('B', etNs(D, 0), 10, 11, 5)]));
    expect((await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, duckdb: DUCK })).state).toBe('degraded');
    expect(fs.existsSync(lakePaths(lake).rejectsFile('stocks_daily', D))).toBe(true);
    await putLanding(lake, 'stocks_daily', D, csvGz([bar('A', etNs(D, 0)), bar('B', etNs(D, 0)), bar('C', etNs(D, 0))]));
    expect(await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, duckdb: DUCK })).toMatchObject({ state: 'complete', rows: 3 });
    expect(fs.existsSync(lakePaths(lake).rejectsFile('stocks_daily', D))).toBe(false);
    expect((await readPartitionRecord(lake, 'bronze', 'stocks_daily', D))?.status).toBe('complete');
  });

  it('a cancelled ingest stops, cleans its temp files and leaves the previous state alone', async () => {
    await putLanding(lake, 'stocks_minute', D, csvGz(minuteDay(D, 300, 390)));
    const ac = new AbortController();
    const res = await ingestDay({
      lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK, signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'reading') ac.abort(new Error('cancelled'));
      },
    });
    expect(res).toMatchObject({ state: 'failed', error: 'stocks_minute 2024-03-05: ingest aborted' });
    expect(listFiles(lake, 'bronze')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    expect(await readPartitionRecord(lake, 'bronze', 'stocks_minute', D)).toBeNull();
  });

  it('answers missing when there is no landing file', async () => {
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, duckdb: DUCK });
    expect(res.state).toBe('missing');
    expect(res.error).toMatch(/stocks_daily 2024-03-05: no landing file/);
    expect(listFiles(lake, 'bronze')).toEqual([]);
  });
});

describe('ingestDay: validation', () => {
  it('sends each failing row to the rejects file with the first rule it breaks, keeps the rest', async () => {
    const t = (hh: number, mm = 0) => etNs(D, hh, mm);
    const lines = [
      bar('AAA', t(9, 30)),
      bar('AAA', t(9, 31), 10, 11, 10.5, 9), // high below close
      bar('AAA', t(9, 32), 10, 11, 12, 10.5), // low above open
      bar('AAA', t(9, 33), 10, 11, 12, 9, -1), // negative volume
      bar('AAA', t(9, 34), 0, 11, 12, 9), // price not positive
      bar('AAA', t(9, 35)),
      bar('AAA', t(9, 35), 20, 20, 20, 20), // duplicate of the previous row: the first is kept
      bar('BBB', -68400000000000n), // outside the day (the real 2025-02-10 options defect)
      bar('BBB', t(23, 59)), // last minute of the New York day: fine
      bar('BBB', t(24, 0)), // next New York midnight: outside
      'CCC,abc,10,11,12,9,' + t(10) + ',5', // unparseable number
      'CCC,100,10,11,12,9,' + t(10, 1) + ',5,extra', // too many columns
      ',100,10,11,12,9,' + t(10, 2) + ',5', // missing ticker
      'DDD,100,10,11,12,9,' + t(10) + ',', // missing transactions
    ];
    await putLanding(lake, 'stocks_minute', D, csvGz(lines));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'degraded', rows: 3, rejects: 11 });
    expect(res.error).toMatch(/11 rows rejected/);
    const good = await rows(`SELECT ticker, volume, strftime(window_start, '%H:%M') FROM read_parquet(${sqlString(res.file)})`);
    expect(good).toEqual([['AAA', 100, '14:30'], ['AAA', 100, '14:35'], ['BBB', 100, '04:59']]);
    const rejectsFile = lakePaths(lake).rejectsFile('stocks_minute', D);
    const rejected = (await rows(`SELECT coalesce(ticker, '<null>'), reject_reason FROM read_parquet(${sqlString(rejectsFile)}) ORDER BY ALL`)).map(
      ([tk, r]) => `${String(tk)}: ${String(r).replace(/^(unparseable row):.*/s, '$1')}`,
    );
    expect(rejected).toEqual([
      '<null>: missing value: ticker',
      `AAA: ${REJECT_REASONS.duplicate}`,
      `AAA: ${REJECT_REASONS.high}`,
      `AAA: ${REJECT_REASONS.low}`,
      `AAA: ${REJECT_REASONS.volume}`,
      `AAA: ${REJECT_REASONS.price}`,
      `BBB: ${REJECT_REASONS.outsideDay}`,
      `BBB: ${REJECT_REASONS.outsideDay}`,
      `CCC: ${REJECT_REASONS.unparseable}`,
      `CCC: ${REJECT_REASONS.unparseable}`,
      'DDD: missing value: transactions',
    ]);
    const raw = await rows(`SELECT raw_line FROM read_parquet(${sqlString(rejectsFile)}) WHERE raw_line IS NOT NULL ORDER BY line`);
    expect(raw.map((r) => String(r[0]).split(',')[0])).toEqual(['CCC', 'CCC']);
    const rec = await readPartitionRecord(lake, 'bronze', 'stocks_minute', D);
    expect(rec).toMatchObject({ status: 'degraded', rows: 3, rejects: 11 });
  });

  it('sorts rows by ticker then time when the file is not sorted', async () => {
    const lines = [bar('ZZ', etNs(D, 10)), bar('AA', etNs(D, 11)), bar('AA', etNs(D, 10)), bar('MM', etNs(D, 9))];
    await putLanding(lake, 'stocks_minute', D, csvGz(lines));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'complete', rows: 4 });
    const got = await rows(`SELECT ticker, hour(window_start)::INTEGER FROM read_parquet(${sqlString(res.file)})`);
    expect(got).toEqual([['AA', 15], ['AA', 16], ['MM', 14], ['ZZ', 15]]);
  });

  it('fails a file with a wrong header, naming expected and found, writing nothing to bronze', async () => {
    await putLanding(lake, 'stocks_daily', D, csvGz([bar('A', etNs(D, 0))], 'ticker,volume,open,close,high,low,timestamp,transactions'));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, duckdb: DUCK });
    expect(res.state).toBe('failed');
    expect(res.error).toContain('stocks_daily 2024-03-05');
    expect(res.error).toContain('landing/polygon-s3/stocks_daily/2024/03/2024-03-05.csv.gz');
    expect(res.error).toContain('expected "ticker,volume,open,close,high,low,window_start,transactions" but found "ticker,volume,open,close,high,low,timestamp,transactions"');
    expect(listFiles(lake, 'bronze')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    expect(await readPartitionRecord(lake, 'bronze', 'stocks_daily', D)).toMatchObject({ status: 'failed', lastError: res.error });
  });

  it('fails a corrupt or truncated gzip with a clear message and nothing in bronze', async () => {
    const body = csvGz(minuteDay(D, 50, 200));
    for (const [name, broken] of [
      ['truncated', body.subarray(0, Math.floor(body.length / 2))],
      ['bad crc', Buffer.concat([body.subarray(0, body.length - 8), Buffer.from([1, 2, 3, 4]), body.subarray(body.length - 4)])],
      ['not gzip', Buffer.from('ticker,volume\n')],
    ] as const) {
      await putLanding(lake, 'stocks_minute', D, broken);
      const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK });
      expect(res.state, name).toBe('failed');
      expect(res.error, name).toMatch(/^stocks_minute 2024-03-05: cannot ingest .*2024-03-05\.csv\.gz: corrupt gzip: /);
      expect(listFiles(lake, 'bronze'), name).toEqual([]);
    }
  });

  it('fails an empty file', async () => {
    await putLanding(lake, 'stocks_daily', D, (await import('node:zlib')).gzipSync(Buffer.alloc(0)));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, duckdb: DUCK });
    expect(res).toMatchObject({ state: 'failed' });
    expect(res.error).toMatch(/empty/);
  });
});

describe('ingestDay: single pass for clean files, staged path for the rest', () => {
  const passes = (events: JobProgress[]) => events.filter((p) => p.phase === 'reading').map((p) => p.message);
  const ingest = async (dataset: 'stocks_minute' | 'stocks_daily', date = D, signal?: AbortSignal) => {
    const events: JobProgress[] = [];
    const res = await ingestDay({ lakeRoot: lake, dataset, date, duckdb: DUCK, onProgress: (p) => events.push(p), ...(signal ? { signal } : {}) });
    return { res, events };
  };
  const keys = (file: string) =>
    rows(`SELECT count(*)::INTEGER, count(*) FILTER (WHERE ticker < pt OR (ticker = pt AND window_start <= pw))::INTEGER
            FROM (SELECT ticker, window_start, lag(ticker) OVER (ORDER BY file_row_number) pt, lag(window_start) OVER (ORDER BY file_row_number) pw
                    FROM read_parquet(${sqlString(file)}, file_row_number = true))`);

  it('a clean sorted file takes one pass and gives the same file content as the staged path', async () => {
    const lines = minuteDay(D, 40, 390);
    await putLanding(lake, 'stocks_minute', D, csvGz(lines));
    const clean = await ingest('stocks_minute');
    expect(clean.res).toMatchObject({ state: 'complete', rows: 15_600, rejects: 0 });
    expect(passes(clean.events)).toEqual([SINGLE_PASS_MESSAGE]);
    const single = await rows(`SELECT * FROM read_parquet(${sqlString(clean.res.file)})`);
    // One bad row at the very end sends the same rows through the staged path.
    await putLanding(lake, 'stocks_minute', D, csvGz([...lines, bar('ZZZZ', etNs(D, 10), 0)]));
    const staged = await ingest('stocks_minute');
    expect(staged.res).toMatchObject({ state: 'degraded', rows: 15_600, rejects: 1 });
    expect(passes(staged.events)).toEqual([SINGLE_PASS_MESSAGE, STAGED_MESSAGE]);
    expect(await rows(`SELECT * FROM read_parquet(${sqlString(staged.res.file)})`)).toEqual(single);
    expect(listFiles(lake, '.tmp')).toEqual([]);
  });

  it('disorder or a duplicate in a late row group of a large file is caught after the pass and sorted/deduplicated', async () => {
    const lines = minuteDay(D, 800, 390);
    const swapped = [...lines];
    [swapped[300_000], swapped[300_001]] = [swapped[300_001]!, swapped[300_000]!];
    await putLanding(lake, 'stocks_minute', D, csvGz(swapped));
    const out = await ingest('stocks_minute');
    expect(out.res).toMatchObject({ state: 'complete', rows: 312_000, rejects: 0 });
    expect(passes(out.events)).toEqual([SINGLE_PASS_MESSAGE, STAGED_MESSAGE]);
    expect(await keys(out.res.file)).toEqual([[312_000, 0]]);

    await putLanding(lake, 'stocks_minute', D, csvGz([...lines.slice(0, 300_001), lines[300_000]!.replace(',100,', ',999,'), ...lines.slice(300_001)]));
    const dup = await ingest('stocks_minute');
    expect(dup.res).toMatchObject({ state: 'degraded', rows: 312_000, rejects: 1 });
    expect(passes(dup.events)).toEqual([SINGLE_PASS_MESSAGE, STAGED_MESSAGE]);
    expect(await keys(dup.res.file)).toEqual([[312_000, 0]]);
    const rejected = await rows(`SELECT reject_reason FROM read_parquet(${sqlString(lakePaths(lake).rejectsFile('stocks_minute', D))})`);
    expect(rejected).toEqual([[REJECT_REASONS.duplicate]]);
  });

  it('row groups each sorted but in the wrong order are caught (the read-back keeps file order across threads)', async () => {
    const lines = minuteDay(D, 800, 390);
    await putLanding(lake, 'stocks_minute', D, csvGz([...lines.slice(156_000), ...lines.slice(0, 156_000)]));
    const out = await ingest('stocks_minute');
    expect(out.res).toMatchObject({ state: 'complete', rows: 312_000 });
    expect(passes(out.events)).toEqual([SINGLE_PASS_MESSAGE, STAGED_MESSAGE]);
    expect(await keys(out.res.file)).toEqual([[312_000, 0]]);
  });

  it('an unparseable line alone (every typed row good) still takes the staged path and is rejected', async () => {
    await putLanding(lake, 'stocks_daily', D, csvGz([bar('A', etNs(D, 0)), `B,1,2,3,4,5,${etNs(D, 0)},x`, bar('C', etNs(D, 0))]));
    const out = await ingest('stocks_daily');
    expect(out.res).toMatchObject({ state: 'degraded', rows: 2, rejects: 1 });
    expect(passes(out.events)).toEqual([SINGLE_PASS_MESSAGE, STAGED_MESSAGE]);
  });

  it('keeps sub-second window_start values to the microsecond on the single pass', async () => {
    const base = etNs(D, 9, 30);
    await putLanding(lake, 'stocks_minute', D, csvGz([bar('A', base), bar('A', base + 123_456_789n), bar('A', base + 1_000_000_001n), bar('B', base + 999n)]));
    const out = await ingest('stocks_minute');
    expect(out.res).toMatchObject({ state: 'complete', rows: 4 });
    expect(passes(out.events)).toEqual([SINGLE_PASS_MESSAGE]);
    const got = await rows(`SELECT epoch_us(window_start) FROM read_parquet(${sqlString(out.res.file)})`);
    expect(got.map(([us]) => BigInt(us as bigint))).toEqual([base / 1000n, (base + 123_456_789n) / 1000n, (base + 1_000_000_001n) / 1000n, (base + 999n) / 1000n]);
  });

  it('a cancel during the staged path stops it and writes nothing', async () => {
    await putLanding(lake, 'stocks_minute', D, csvGz([...minuteDay(D, 300, 390), bar('ZZZZ', etNs(D, 10), 0)]));
    const ac = new AbortController();
    const res = await ingestDay({
      lakeRoot: lake, dataset: 'stocks_minute', date: D, duckdb: DUCK, signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'reading' && p.message === STAGED_MESSAGE) ac.abort(new Error('cancelled'));
      },
    });
    expect(res).toMatchObject({ state: 'failed', error: 'stocks_minute 2024-03-05: ingest aborted' });
    expect(listFiles(lake, 'bronze')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    expect(await readPartitionRecord(lake, 'bronze', 'stocks_minute', D)).toBeNull();
  });
});

describe('ingestDay: Polygon documentation samples through the same code path', () => {
  const sample = (name: string) => fs.readFileSync(path.join(SAMPLES, name));
  const gz = (name: string) => (async () => (await import('node:zlib')).gzipSync(sample(name)))();

  it('stocks day sample stamped 16:00 ET is fine for its trading date', async () => {
    await putLanding(lake, 'stocks_daily', '2023-03-28', await gz('stocks_day_candlesticks_example.csv'));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: '2023-03-28', duckdb: DUCK });
    expect(res).toMatchObject({ state: 'complete', rows: 99, rejects: 0 });
    const [[sorted]] = await rows(`SELECT bool_and(ok) FROM (SELECT ticker >= lag(ticker, 1, '') OVER () AS ok FROM read_parquet(${sqlString(res.file)}))`) as [[boolean]];
    expect(sorted).toBe(true);
  });

  it('stocks minute sample: its 17-digit timestamps fall outside the trading day and are all rejected', async () => {
    await putLanding(lake, 'stocks_minute', '2023-03-28', await gz('stocks_minute_candlesticks_example.csv'));
    const res = await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date: '2023-03-28', duckdb: DUCK });
    // Every row rejected: the day failed (no empty bronze file passes for data), the rejects say why.
    expect(res).toMatchObject({ state: 'failed', rows: 0, rejects: 99 });
    expect(res.error).toMatch(/all 99 rows rejected/);
    expect(fs.existsSync(res.file)).toBe(false);
    const reasons = await rows(`SELECT DISTINCT reject_reason FROM read_parquet(${sqlString(lakePaths(lake).rejectsFile('stocks_minute', '2023-03-28'))})`);
    expect(reasons).toEqual([[REJECT_REASONS.outsideDay]]);
  });

  it('options samples parse, and the day sample row from another date is rejected', async () => {
    await putLanding(lake, 'options_minute', '2023-03-13', await gz('options_minute_candlesticks_example.csv'));
    expect(await ingestDay({ lakeRoot: lake, dataset: 'options_minute', date: '2023-03-13', duckdb: DUCK })).toMatchObject({ state: 'complete', rows: 43 });
    await putLanding(lake, 'options_daily', '2023-03-27', await gz('options_day_candlesticks_example.csv'));
    const day = await ingestDay({ lakeRoot: lake, dataset: 'options_daily', date: '2023-03-27', duckdb: DUCK });
    expect(day).toMatchObject({ state: 'degraded', rows: 2, rejects: 1 });
    const got = await rows(`SELECT underlying, contract_type, strike FROM read_parquet(${sqlString(day.file)})`);
    expect(got).toEqual([['IWM', 'call', 137], ['NANOS', 'call', 400]]);
  });
});
