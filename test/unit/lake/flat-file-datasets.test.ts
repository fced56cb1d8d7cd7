import { describe, expect, it } from 'vitest';
import {
  bronzeColumns, FLAT_FILE_DATASETS, flatFileDataset, flatFileHeader, flatFileKey, parseFlatFileDatasetIds, parseFlatFileKey, parseOptionTicker,
} from '../../../core/datasets/index.ts';

describe('flat-file dataset registry', () => {
  it('has the four aggregate datasets with their S3 prefixes and first dates', () => {
    expect(FLAT_FILE_DATASETS.map((d) => d.id)).toEqual(['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute']);
    expect(flatFileDataset('stocks_minute').keyPrefix).toBe('us_stocks_sip/minute_aggs_v1');
    expect(flatFileDataset('options_daily').keyPrefix).toBe('us_options_opra/day_aggs_v1');
    expect(flatFileDataset('stocks_daily').firstDate).toBe('2003-09-10');
    expect(() => flatFileDataset('stocks_weekly')).toThrow(/unknown dataset "stocks_weekly" \(known: stocks_daily/);
  });

  it('builds and parses S3 keys symmetrically', () => {
    const ds = flatFileDataset('stocks_minute');
    const key = flatFileKey(ds, '2019-03-04');
    expect(key).toBe('us_stocks_sip/minute_aggs_v1/2019/03/2019-03-04.csv.gz');
    expect(parseFlatFileKey(key)).toEqual({ dataset: ds, date: '2019-03-04' });
    expect(parseFlatFileKey('us_stocks_sip/minute_aggs_v1/2019/04/2019-03-04.csv.gz')).toBeNull();
    expect(parseFlatFileKey('us_stocks_sip/trades_v1/2019/03/2019-03-04.csv.gz')).toBeNull();
    expect(parseFlatFileKey('flatfiles/us_stocks_sip/minute_aggs_v1/2019/03/2019-03-04.csv')).toBeNull();
  });

  it('describes the exact header and the bronze columns (options get parsed contract fields)', () => {
    expect(flatFileHeader(flatFileDataset('options_minute'))).toBe('ticker,volume,open,close,high,low,window_start,transactions');
    const stock = bronzeColumns(flatFileDataset('stocks_daily'));
    expect(stock.map((c) => c.name)).toEqual(['ticker', 'volume', 'open', 'close', 'high', 'low', 'window_start', 'transactions', 'date']);
    expect(stock.find((c) => c.name === 'volume')?.duckdbType).toBe('DOUBLE');
    expect(bronzeColumns(flatFileDataset('options_daily')).slice(-4).map((c) => c.name)).toEqual(['underlying', 'expiration', 'contract_type', 'strike']);
  });

  it('parses dataset lists, dropping duplicates and naming unknown ids', () => {
    expect(parseFlatFileDatasetIds(['stocks_daily', 'options_daily', 'stocks_daily'])).toEqual(['stocks_daily', 'options_daily']);
    expect(() => parseFlatFileDatasetIds(['stocks_daily', 'nope'])).toThrow(/unknown dataset "nope"/);
  });
});

describe('option tickers', () => {
  it('splits OCC tickers into underlying, expiration, call/put and strike', () => {
    expect(parseOptionTicker('O:SPY230327P00390000')).toEqual({ underlying: 'SPY', expiration: '2023-03-27', contractType: 'put', strike: 390 });
    expect(parseOptionTicker('O:NANOS230327C00400000')).toEqual({ underlying: 'NANOS', expiration: '2023-03-27', contractType: 'call', strike: 400 });
    expect(parseOptionTicker('O:AAPL1251219C00152500')).toEqual({ underlying: 'AAPL1', expiration: '2025-12-19', contractType: 'call', strike: 152.5 });
  });

  it('refuses what is not an OCC ticker', () => {
    for (const t of ['SPY', 'O:SPY230327X00390000', 'O:SPY231327P00390000', 'O:SPY230230P00390000', 'O:230327P00390000', 'X:BTC-USD']) {
      expect(parseOptionTicker(t), t).toBeNull();
    }
  });
});
