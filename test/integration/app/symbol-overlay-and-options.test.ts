import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOptionsChain } from '../../../core/app/options-chain-handler.ts';
import { qlibCodeOf, readSymbolFeature } from '../../../core/app/symbol-feature-handler.ts';
import { createLakeServiceClient, nodeLakeServiceEntry, type LakeServiceClient } from '../../../core/lake-service/lake-service-client.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';

// Two instruments held the symbol ABC one after the other: gold gives the later one `abc` and the
// earlier one `abc_a1`, and the feature set keys their rows by those codes.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-symbol-overlay-'));
let lake: LakeServiceClient;

async function write(sql: string, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
}

beforeAll(async () => {
  const p = lakePaths(root);
  const days = [['A1', '2024-01-02'], ['A1', '2024-01-03'], ['A2', '2024-01-04'], ['A2', '2024-01-05']] as const;
  for (const [id, d] of days) {
    const row = `SELECT '${id}' AS instrument_id, 'ABC' AS ticker, DATE '${d}' AS date`;
    await write(`${row}, 10.0 AS close, 100.0 AS volume, 1.0 AS factor`, p.parquetFile('silver', 'stocks_daily_adjusted', d));
    await write(`${row}, 'Abc' AS name, NULL::DATE AS first_date, NULL::DATE AS delisted_date`, p.parquetFile('silver', 'universe', d));
  }
  const v = path.join(root, 'silver', 'features', 'daily', 'v1.0.0');
  fs.mkdirSync(v, { recursive: true });
  fs.writeFileSync(path.join(v, 'version.json'), '{}');
  const feature = (code: string, d: string, x: string) => `SELECT '${code}' AS instrument, DATE '${d}' AS date, ${x}::FLOAT AS ret`;
  await write(`${feature('ABC_A1', '2024-01-02', '0.5')} UNION ALL ${feature('ABC', '2024-01-02', '9')}`, path.join(v, 'year=2024', 'month=01', '2024-01-02.parquet'));
  await write(feature('ABC_A1', '2024-01-03', 'NULL'), path.join(v, 'year=2024', 'month=01', '2024-01-03.parquet'));
  await write(feature('ABC', '2024-01-05', "'inf'"), path.join(v, 'year=2024', 'month=01', '2024-01-05.parquet'));
  const option = (d: string, type: string, k: number, iv: number) =>
    `SELECT DATE '${d}' AS date, 'ABC' AS underlying, DATE '2024-01-19' AS expiration, '${type}' AS contract_type, ${k}.0 AS strike,
       ${k * 10}.0 AS volume, 10.2 AS underlying_close, ln(10.2 / ${k}) AS log_moneyness, 11 AS trading_days_to_expiry, ${iv} AS implied_volatility`;
  const chain = (d: string) => [9, 10, 11].flatMap((k) => [option(d, 'call', k, 0.3 + k / 100), option(d, 'put', k, 0.4 + k / 100)]).join(' UNION ALL ');
  await write(chain('2024-01-03'), p.parquetFile('silver', 'options_daily_enriched', '2024-01-03'));
  await write(chain('2024-01-05'), p.parquetFile('silver', 'options_daily_enriched', '2024-01-05'));
  lake = createLakeServiceClient({ launcher: createNodeProcessLauncher(), entry: nodeLakeServiceEntry(), config: { lakeRoot: root, threads: 1, memoryLimit: '256MB' } });
}, 60_000);

afterAll(async () => {
  await lake?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the Symbol page overlay and options chain', () => {
  it('names each instrument by the code gold gives it and reads its feature by date', async () => {
    expect(await qlibCodeOf(lake, 'A2')).toBe('abc');
    expect(await qlibCodeOf(lake, 'A1')).toBe('abc_a1');
    const earlier = await readSymbolFeature(lake, { instrumentId: 'A1', set: 'daily', version: '1.0.0', feature: 'ret' });
    expect(earlier.code).toBe('ABC_A1');
    expect(earlier.points).toEqual([{ date: '2024-01-02', value: 0.5 }, { date: '2024-01-03', value: null }]);
    const later = await readSymbolFeature(lake, { instrumentId: 'A2', set: 'daily', version: '1.0.0', feature: 'ret' });
    expect(later.points).toEqual([{ date: '2024-01-02', value: 9 }, { date: '2024-01-05', value: null }]);
    await expect(readSymbolFeature(lake, { instrumentId: 'A1', set: 'daily', version: '1.0.0', feature: 'nope' })).rejects.toThrow(/no feature nope/);
    await expect(readSymbolFeature(lake, { instrumentId: 'A1', set: 'daily', version: '2.0.0', feature: 'ret' })).rejects.toThrow(/daily@2.0.0/);
  });

  it('summarises the chain per expiration on the instrument\'s own days only', async () => {
    const chain = await readOptionsChain(lake, 'A1');
    expect(chain.dates).toEqual(['2024-01-03']);
    expect(chain.date).toBe('2024-01-03');
    expect(chain.underlyingClose).toBe(10.2);
    expect(chain.expirations).toEqual([{
      expiration: '2024-01-19', tradingDaysToExpiry: 11, calls: 3, puts: 3, callVolume: 300, putVolume: 300,
      minStrike: 9, maxStrike: 11, atmStrike: 10, atmCallIv: 0.4, atmPutIv: 0.5,
    }]);
    expect((await readOptionsChain(lake, 'A2')).dates).toEqual(['2024-01-05']);
    await expect(readOptionsChain(lake, 'A1', '2024-01-05')).rejects.toThrow(/no options on instrument A1/);
  });
});
