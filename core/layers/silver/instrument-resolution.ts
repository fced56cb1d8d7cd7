/**
 * Which instrument a (symbol, date) is. The flat files and the corporate actions name symbols; an
 * instrument keeps one id across ticker changes. Rules, in order, using only reference data dated
 * on or before the day (so a day's answer never changes when later data arrives):
 *   1. ticker events: the entity (composite FIGI) whose latest event on or before the day put it
 *      under that symbol, while no later event of the same entity (on or before the day) moved it on;
 *   2. the universe snapshots: the composite FIGI of the latest snapshot on or before the day
 *      that lists the symbol as active;
 *   3. otherwise "ticker:<symbol>": the symbol is not known to the reference data yet.
 */

/** Creates the reference tables the resolution reads: `ref_spans` (rule 1) and `ref_snapshots` (rule 2). */
export function referenceTablesSql(tickerEvents: string, tickers: string, upTo: string): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE ref_events AS
       SELECT DISTINCT ticker, composite_figi AS figi, event_date FROM ${tickerEvents}
       WHERE composite_figi IS NOT NULL AND event_date <= ${upTo}`,
    `CREATE OR REPLACE TEMP TABLE ref_spans AS
       SELECT ticker, figi, event_date AS from_date, lead(event_date) OVER (PARTITION BY figi ORDER BY event_date) AS to_date
       FROM ref_events`,
    `CREATE OR REPLACE TEMP TABLE ref_snapshots AS
       SELECT date AS snap_date, ticker, min(composite_figi) AS figi FROM ${tickers}
       WHERE active AND composite_figi IS NOT NULL AND date <= ${upTo} GROUP BY ALL`,
  ];
}

/**
 * A relation (ticker, from_date, to_date, instrument_id): each symbol's instrument as a step
 * function of the date. Every rule above changes its answer for a symbol only on a date of one of
 * that symbol's events or snapshots, so resolving those dates (and each symbol's first date in
 * `firsts`, a relation (ticker, date)) and holding the answer until the next one gives the same
 * instrument for every day as resolving each day, at the cost of the reference data instead of
 * one lookup per bar. `to_date` is exclusive (null: open).
 */
export function instrumentSegmentsSql(firsts: string): string {
  const points = `(
    SELECT ticker, date FROM ${firsts}
    UNION SELECT ticker, from_date FROM ref_spans
    UNION SELECT ticker, to_date FROM ref_spans WHERE to_date IS NOT NULL
    UNION SELECT ticker, snap_date FROM ref_snapshots
  )`;
  return `(
    WITH r AS (SELECT * FROM ${resolveInstrumentsSql(points)}),
    steps AS (
      SELECT ticker, date, instrument_id, lag(instrument_id) OVER (PARTITION BY ticker ORDER BY date) AS before FROM r
    ),
    changes AS (SELECT ticker, date AS from_date, instrument_id FROM steps WHERE before IS NULL OR before <> instrument_id)
    SELECT ticker, from_date, lead(from_date) OVER (PARTITION BY ticker ORDER BY from_date) AS to_date, instrument_id FROM changes
  )`;
}

/**
 * A relation (ticker, date, instrument_id) for every distinct (ticker, date) of `keys`, a relation
 * with those two columns. A span only counts on days it had started (`from_date <= date`) and not
 * yet ended (`date < to_date`); when two entities claim one symbol on one day the later event wins.
 */
export function resolveInstrumentsSql(keys: string): string {
  return `(
    WITH k AS (SELECT DISTINCT ticker, date FROM ${keys}),
    by_event AS (
      SELECT k.ticker, k.date, s.figi FROM k JOIN ref_spans s
        ON s.ticker = k.ticker AND s.from_date <= k.date AND (s.to_date IS NULL OR k.date < s.to_date)
      QUALIFY row_number() OVER (PARTITION BY k.ticker, k.date ORDER BY s.from_date DESC, s.figi) = 1
    ),
    by_snapshot AS (
      SELECT k.ticker, k.date, s.figi FROM k ASOF JOIN ref_snapshots s ON s.ticker = k.ticker AND s.snap_date <= k.date
    )
    SELECT k.ticker, k.date, coalesce(e.figi, n.figi, 'ticker:' || k.ticker) AS instrument_id
    FROM k LEFT JOIN by_event e ON e.ticker = k.ticker AND e.date = k.date
           LEFT JOIN by_snapshot n ON n.ticker = k.ticker AND n.date = k.date
  )`;
}
