/**
 * Point-in-time financial ratios (`silver/financial_ratios`), per instrument and trading day, in
 * DuckDB SQL over every instrument and day of a job at once. The definitions, written down in
 * core/layers/silver/README.md ("Financial ratios"):
 *
 * What is known on day D: every fundamentals row whose filing_date is strictly before D (a filing
 * published on D is not used on D: no look-ahead). The "latest filing" is the latest fiscal period
 * known (max end_date), in its latest version filed before D (an amendment replaces the original).
 * Point figures (balance sheet, shares) come from that period's row, the quarterly one when the
 * period has a quarterly and an annual row (a line item only the annual row reports is taken from
 * it). Flow figures (revenue, gross profit, operating income, D&A, net income) are trailing twelve
 * months (TTM): the annual row when the latest period ends a
 * fiscal year, otherwise the sum of the four quarterly rows ending in the year up to end_date
 * (fewer than four known: TTM is null). Sums are ordered folds, so a day's figure is the same
 * float whichever range it was built with.
 *
 *   shares         = basic_average_shares x the split ratios of splits after end_date up to D
 *                    (the filing counts shares before them, the close after them)
 *   market_cap     = raw close x shares
 *   pe             = market_cap / TTM net income                  (null unless income > 0)
 *   pb             = market_cap / equity                          (null unless equity > 0)
 *   ps             = market_cap / TTM revenue                     (null unless revenue > 0)
 *   ev_to_ebitda   = (market_cap + long_term_debt - cash) / TTM (operating income + D&A)
 *                    (null unless EBITDA > 0; null when the filing reports no debt, cash or D&A)
 *   roe            = TTM net income / equity                      (null unless equity > 0)
 *   roa            = TTM net income / assets                      (null unless assets > 0)
 *   gross_margin   = TTM gross profit / TTM revenue, gross profit = revenues - cost_of_revenue when absent
 *   net_margin     = TTM net income / TTM revenue                 (null unless revenue > 0)
 *   debt_to_equity = liabilities / equity                         (null unless equity > 0)
 *   current_ratio  = current_assets / current_liabilities         (null unless liabilities > 0)
 *
 * A ratio that cannot be computed is null and `null_reasons` says why (ratio: reason), so a null is
 * never silent; the row is still written. A split between end_date and D that silver refused makes
 * the share count unknown: every market-cap ratio is null with that reason.
 */
import { parquetOrEmpty, sqlDate, sqlDates } from './silver-sql.ts';

/** The silver files a ratios job reads. */
export interface RatioInputFiles {
  /** silver fundamentals, every partition up to the job's last day. */
  fundamentals: readonly string[];
  /** silver corporate_actions, every partition up to the job's last day. */
  corporateActions: readonly string[];
  /** silver adjustment_factors of the job's days (the instruments that traded and their closes). */
  factors: readonly string[];
}

const FLOW = ['revenues', 'gross_profit', 'operating_income_loss', 'depreciation_and_amortization', 'net_income_loss'] as const;
/** Output names of the TTM flows that read better shortened. */
const TTM_NAME: Record<string, string> = { revenues: 'revenue', net_income_loss: 'net_income' };
const POINT = [
  'basic_average_shares', 'equity', 'assets', 'liabilities', 'current_assets', 'current_liabilities', 'long_term_debt', 'cash',
] as const;

/** A ratio num / den that is null unless both are known and den > 0, and the reason when it is null. */
function ratio(name: string, num: string, numLabel: string, den: string, denLabel: string): { value: string; reason: string } {
  return {
    value: `CASE WHEN ${den} > 0 THEN ${num} / ${den} END AS ${name}`,
    reason: `CASE WHEN ${num} IS NULL THEN '${name}: no ${numLabel}' WHEN ${den} IS NULL THEN '${name}: no ${denLabel}'
                  WHEN NOT (${den} > 0) THEN '${name}: ${denLabel} is not positive' END`,
  };
}

const RATIOS = [
  ratio('pe', 'market_cap', 'market cap', 'net_income_ttm', 'trailing net income'),
  ratio('pb', 'market_cap', 'market cap', 'equity', 'equity'),
  ratio('ps', 'market_cap', 'market cap', 'revenue_ttm', 'trailing revenue'),
  ratio('ev_to_ebitda', 'enterprise_value', 'enterprise value (long_term_debt and cash)',
    'ebitda_ttm', 'trailing EBITDA (operating income and D&A)'),
  ratio('roe', 'net_income_ttm', 'trailing net income', 'equity', 'equity'),
  ratio('roa', 'net_income_ttm', 'trailing net income', 'assets', 'assets'),
  ratio('gross_margin', 'gross_profit_ttm', 'trailing gross profit', 'revenue_ttm', 'trailing revenue'),
  ratio('net_margin', 'net_income_ttm', 'trailing net income', 'revenue_ttm', 'trailing revenue'),
  ratio('debt_to_equity', 'liabilities', 'liabilities', 'equity', 'equity'),
  ratio('current_ratio', 'current_assets', 'current assets', 'current_liabilities', 'current liabilities'),
];

/**
 * Statements leaving `ratio_rows`: the ratios of every instrument with a filing before the day, for
 * each of `dates` (ascending). The known state changes only on filing dates, so it is computed once
 * per (instrument, filing date) and each day takes the state of the latest filing date before it.
 */
export function ratioTablesSql(files: RatioInputFiles, dates: readonly string[]): string[] {
  const first = sqlDate(dates[0]!);
  const last = sqlDate(dates[dates.length - 1]!);
  const fundamentals = parquetOrEmpty(files.fundamentals, [
    ['instrument_id', 'VARCHAR'], ['filing_date', 'DATE'], ['acceptance_datetime', 'TIMESTAMP WITH TIME ZONE'], ['fiscal_year', 'INTEGER'],
    ['fiscal_period', 'VARCHAR'], ['timeframe', 'VARCHAR'], ['end_date', 'DATE'], ['cost_of_revenue', 'DOUBLE'],
    ...[...FLOW, ...POINT].map((c) => [c, 'DOUBLE'] as const),
  ]);
  const actions = parquetOrEmpty(files.corporateActions, [
    ['date', 'DATE'], ['instrument_id', 'VARCHAR'], ['action_date', 'DATE'], ['action', 'VARCHAR'], ['split_from', 'DOUBLE'],
    ['split_to', 'DOUBLE'], ['status', 'VARCHAR'],
  ]);
  const factors = parquetOrEmpty(files.factors, [
    ['instrument_id', 'VARCHAR'], ['ticker', 'VARCHAR'], ['date', 'DATE'], ['close', 'DOUBLE'],
  ]);
  const ttm = (c: string) => `CASE WHEN a.instrument_id IS NOT NULL THEN a.${c}
      WHEN q.n = 4 THEN list_reduce(list_transform(q.qs, x -> x.${c}), (x, y) -> x + y) END AS ${TTM_NAME[c] ?? c}_ttm`;
  return [
    `CREATE OR REPLACE TEMP TABLE fund_known AS
       SELECT * REPLACE (coalesce(gross_profit, revenues - cost_of_revenue) AS gross_profit) FROM ${fundamentals}
       WHERE filing_date < ${last} AND timeframe IN ('quarterly', 'annual')`,
    // The filing dates whose state a job day can see: the latest one before the first day, and later ones.
    `CREATE OR REPLACE TEMP TABLE fund_states AS
       WITH d AS (SELECT DISTINCT instrument_id, filing_date AS as_of FROM fund_known),
       keep AS (
         SELECT * FROM d WHERE as_of >= ${first}
         UNION ALL SELECT instrument_id, max(as_of) FROM d WHERE as_of < ${first} GROUP BY instrument_id
       )
       SELECT k.instrument_id, k.as_of, max(f.end_date) AS end_date
       FROM keep k JOIN fund_known f ON f.instrument_id = k.instrument_id AND f.filing_date <= k.as_of GROUP BY ALL`,
    // Per state: each period of the year up to end_date in its latest version filed by then.
    `CREATE OR REPLACE TEMP TABLE fund_versions AS
       SELECT s.as_of, s.end_date AS state_end, f.* FROM fund_states s
       JOIN fund_known f ON f.instrument_id = s.instrument_id AND f.filing_date <= s.as_of
         AND f.end_date <= s.end_date AND f.end_date > s.end_date - INTERVAL 1 YEAR
       QUALIFY row_number() OVER (
         PARTITION BY s.instrument_id, s.as_of, f.timeframe, f.fiscal_year, f.fiscal_period
         ORDER BY f.filing_date DESC, f.acceptance_datetime DESC NULLS LAST) = 1`,
    `CREATE OR REPLACE TEMP TABLE fund_ttm AS
       WITH p AS (
         SELECT * FROM fund_versions WHERE end_date = state_end
         QUALIFY row_number() OVER (PARTITION BY instrument_id, as_of ORDER BY timeframe = 'quarterly' DESC, filing_date DESC) = 1
       ),
       a AS (SELECT * FROM fund_versions WHERE end_date = state_end AND timeframe = 'annual'),
       q AS (
         SELECT instrument_id, as_of, count(*) AS n, list({${FLOW.map((c) => `${c}: ${c}`).join(', ')}} ORDER BY end_date) AS qs
         FROM fund_versions WHERE timeframe = 'quarterly' GROUP BY ALL
       )
       SELECT p.instrument_id, p.as_of, p.filing_date, p.fiscal_year, p.fiscal_period, p.end_date,
              CASE WHEN a.instrument_id IS NOT NULL THEN 'annual' WHEN q.n = 4 THEN 'quarters' END AS ttm_source,
              ${POINT.map((c) => `coalesce(p.${c}, a.${c}) AS ${c}`).join(', ')}, ${FLOW.map(ttm).join(', ')}
       FROM p LEFT JOIN a ON a.instrument_id = p.instrument_id AND a.as_of = p.as_of
              LEFT JOIN q ON q.instrument_id = p.instrument_id AND q.as_of = p.as_of`,
    `CREATE OR REPLACE TEMP TABLE ratio_days AS
       SELECT b.instrument_id, b.ticker, b.date, b.close, t.* EXCLUDE (instrument_id, as_of)
       FROM (SELECT * FROM ${factors} WHERE date IN (${sqlDates(dates)})) b
       ASOF JOIN fund_ttm t ON t.instrument_id = b.instrument_id AND t.as_of < b.date`,
    // Splits after the period's end up to the day, in the order silver applied them.
    `CREATE OR REPLACE TEMP TABLE ratio_splits AS
       SELECT r.instrument_id, r.date,
              list_reduce(list(s.split_to / s.split_from ORDER BY s.action_date, s.split_to, s.split_from)
                FILTER (WHERE s.status <> 'rejected'), (x, y) -> x * y, 1.0::DOUBLE) AS ratio,
              count(*) FILTER (WHERE s.status = 'rejected') AS rejected
       FROM ratio_days r JOIN ${actions} s ON s.instrument_id = r.instrument_id AND s.action = 'split'
         AND s.action_date > r.end_date AND s.date <= r.date
       GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE ratio_rows AS
       WITH m AS (
         SELECT r.*, coalesce(s.rejected, 0) AS rejected_splits,
                CASE WHEN coalesce(s.rejected, 0) = 0 THEN r.basic_average_shares * coalesce(s.ratio, 1.0) END AS shares
         FROM ratio_days r LEFT JOIN ratio_splits s ON s.instrument_id = r.instrument_id AND s.date = r.date
       ),
       v AS (
         SELECT *, close * shares AS market_cap, operating_income_loss_ttm + depreciation_and_amortization_ttm AS ebitda_ttm
         FROM m
       ),
       e AS (SELECT *, market_cap + long_term_debt - cash AS enterprise_value FROM v)
       SELECT instrument_id, ticker, date, close, filing_date, fiscal_year, fiscal_period, end_date, ttm_source, shares, market_cap,
              enterprise_value, revenue_ttm, gross_profit_ttm, ebitda_ttm, net_income_ttm, equity, assets, liabilities,
              current_assets, current_liabilities,
              ${RATIOS.map((r) => r.value).join(',\n              ')},
              list_filter([
                CASE WHEN rejected_splits > 0 THEN 'shares: a split after the period end was rejected by silver' END,
                CASE WHEN ttm_source IS NULL THEN 'ttm: fewer than four quarters of the year to end_date are known' END,
                ${RATIOS.map((r) => r.reason).join(',\n                ')}
              ], x -> x IS NOT NULL) AS null_reasons
       FROM e`,
  ];
}

/** One day of ratios, sorted by symbol. */
export function ratioDaySql(date: string): string {
  return `SELECT * FROM ratio_rows WHERE date = ${sqlDate(date)} ORDER BY ticker`;
}
