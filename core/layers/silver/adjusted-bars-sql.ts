import { parquetOrEmpty } from './silver-sql.ts';

/**
 * One day of adjusted bars: that day's bronze bars joined to that day's factors by symbol.
 * VWAP comes from the day's minute bars (sum of typical price (h+l+c)/3 x volume over volume):
 * the flat files carry no per-bar VWAP and the lake has no grouped-daily REST dataset yet, so
 * `vwap_source` is 'minute_bars' or null (the column admits 'grouped_daily' for when it does).
 */
export function adjustedBarsDaySql(files: { bars: string; factors: string; minutes: readonly string[] }): string {
  const bars = parquetOrEmpty([files.bars], [
    ['ticker', 'VARCHAR'], ['date', 'DATE'], ['open', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'],
    ['volume', 'DOUBLE'], ['transactions', 'BIGINT'],
  ]);
  const factors = parquetOrEmpty([files.factors], [
    ['instrument_id', 'VARCHAR'], ['ticker', 'VARCHAR'], ['date', 'DATE'], ['split_factor', 'DOUBLE'], ['factor', 'DOUBLE'], ['prev_adj_close', 'DOUBLE'],
  ]);
  const minutes = parquetOrEmpty(files.minutes, [['ticker', 'VARCHAR'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'], ['volume', 'DOUBLE']]);
  return `
    WITH m AS (
      SELECT ticker, sum((high + low + close) / 3 * volume) / nullif(sum(volume), 0) AS vwap FROM ${minutes} GROUP BY ticker
    )
    SELECT f.instrument_id, b.ticker, b.date, b.open, b.high, b.low, b.close, b.volume, b.transactions,
           f.split_factor, f.factor,
           b.open * f.factor AS adj_open, b.high * f.factor AS adj_high, b.low * f.factor AS adj_low, b.close * f.factor AS adj_close,
           b.volume / f.split_factor AS adj_volume,
           m.vwap, CASE WHEN m.vwap IS NOT NULL THEN 'minute_bars' END AS vwap_source,
           b.close * f.factor / f.prev_adj_close - 1 AS change
    FROM ${bars} b
    LEFT JOIN ${factors} f ON f.ticker = b.ticker AND f.date = b.date
    LEFT JOIN m ON m.ticker = b.ticker
    ORDER BY b.ticker`;
}
