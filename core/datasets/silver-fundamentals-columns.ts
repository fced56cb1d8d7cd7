import type { DatasetColumn } from './dataset-registry.ts';

// Columns of silver/fundamentals and silver/financial_ratios (issue 13 item 7); the rules are in
// core/layers/silver/README.md and next to the SQL (fundamentals-sql.ts, financial-ratios-sql.ts).

/* The line items silver/fundamentals gives a column (the SQL is core/layers/silver/fundamentals-sql.ts). */
/** A flattened line item: its column, the statement and concept it comes from, its unit. */
export interface FlatItem {
  column: string;
  statement: 'income_statement' | 'balance_sheet' | 'cash_flow_statement' | 'comprehensive_income';
  concept: string;
  unit: 'USD' | 'USD / shares' | 'shares';
}

const item = (statement: FlatItem['statement'], unit: FlatItem['unit']) =>
  (concept: string, column = concept): FlatItem => ({ column, statement, concept, unit });
const income = item('income_statement', 'USD');
const balance = item('balance_sheet', 'USD');
const cash = item('cash_flow_statement', 'USD');

/** The line items that get their own column, in column order. */
export const FLAT_ITEMS: readonly FlatItem[] = [
  income('revenues'), income('cost_of_revenue'), income('gross_profit'), income('operating_expenses'), income('operating_income_loss'),
  income('income_loss_from_continuing_operations_before_tax', 'income_before_tax'), income('income_tax_expense_benefit'),
  income('net_income_loss'), income('depreciation_and_amortization'),
  item('income_statement', 'USD / shares')('basic_earnings_per_share'),
  item('income_statement', 'USD / shares')('diluted_earnings_per_share'),
  item('income_statement', 'shares')('basic_average_shares'), item('income_statement', 'shares')('diluted_average_shares'),
  balance('assets'), balance('current_assets'), balance('noncurrent_assets'), balance('liabilities'), balance('current_liabilities'),
  balance('noncurrent_liabilities'), balance('equity'), balance('liabilities_and_equity'), balance('long_term_debt'), balance('cash'),
  cash('net_cash_flow_from_operating_activities'), cash('net_cash_flow_from_investing_activities'),
  cash('net_cash_flow_from_financing_activities'), cash('net_cash_flow'),
  item('comprehensive_income', 'USD')('comprehensive_income_loss'),
];

const col = (name: string, duckdbType: string, description: string): DatasetColumn => ({ name, duckdbType, description });

export const FUNDAMENTALS_COLUMNS: readonly DatasetColumn[] = [
  col('instrument_id', 'VARCHAR', "stable instrument id, resolved for the filing's symbol on its filing date (see adjustment_factors)"),
  col('ticker', 'VARCHAR', 'the symbol the filing named'),
  col('date', 'DATE', 'partition: the filing date, or the next trading day when that is not one'),
  col('cik', 'VARCHAR', 'SEC CIK of the filer'),
  col('company_name', 'VARCHAR', 'filer name'),
  col('filing_date', 'DATE', 'the day the filing became public: ratios use it from the next day on'),
  col('acceptance_datetime', 'TIMESTAMP WITH TIME ZONE', 'SEC acceptance instant'),
  col('fiscal_year', 'INTEGER', 'fiscal year'),
  col('fiscal_period', 'VARCHAR', 'Q1..Q4 or FY'),
  col('timeframe', 'VARCHAR', 'quarterly or annual'),
  col('start_date', 'DATE', 'first day of the period'),
  col('end_date', 'DATE', 'last day of the period'),
  ...FLAT_ITEMS.map((i) => col(i.column, 'DOUBLE', `${i.statement}.${i.concept} (${i.unit}; null: not in the filing)`)),
  col('line_items', 'MAP(VARCHAR, DOUBLE)', 'every line item of the filing, keyed "statement.concept"'),
  col('source_filing_url', 'VARCHAR', 'the filing on the API'),
];

export const FINANCIAL_RATIO_COLUMNS: readonly DatasetColumn[] = [
  col('instrument_id', 'VARCHAR', 'stable instrument id'),
  col('ticker', 'VARCHAR', 'the symbol it traded under that day'),
  col('date', 'DATE', 'trading date'),
  col('close', 'DOUBLE', 'raw close of the day'),
  col('filing_date', 'DATE', 'filing date of the figures used (always before date)'),
  col('fiscal_year', 'INTEGER', 'fiscal year of the latest period known before the day'),
  col('fiscal_period', 'VARCHAR', 'its fiscal period (Q1..Q4 or FY)'),
  col('end_date', 'DATE', 'its last day'),
  col('ttm_source', 'VARCHAR', "'annual' (the fiscal year's row) or 'quarters' (four quarterly rows); null: TTM unknown"),
  col('shares', 'DOUBLE', 'basic average shares of the period x splits after its end up to the day'),
  col('market_cap', 'DOUBLE', 'close x shares'),
  col('enterprise_value', 'DOUBLE', 'market_cap + long_term_debt - cash'),
  col('revenue_ttm', 'DOUBLE', 'trailing twelve months revenue'),
  col('gross_profit_ttm', 'DOUBLE', 'trailing gross profit (revenues - cost_of_revenue where not reported)'),
  col('ebitda_ttm', 'DOUBLE', 'trailing operating income + depreciation and amortization'),
  col('net_income_ttm', 'DOUBLE', 'trailing net income'),
  col('equity', 'DOUBLE', 'equity at the period end'),
  col('assets', 'DOUBLE', 'assets at the period end'),
  col('liabilities', 'DOUBLE', 'liabilities at the period end'),
  col('current_assets', 'DOUBLE', 'current assets at the period end'),
  col('current_liabilities', 'DOUBLE', 'current liabilities at the period end'),
  col('pe', 'DOUBLE', 'market_cap / net_income_ttm (null unless earnings > 0)'),
  col('pb', 'DOUBLE', 'market_cap / equity (null unless equity > 0)'),
  col('ps', 'DOUBLE', 'market_cap / revenue_ttm'),
  col('ev_to_ebitda', 'DOUBLE', 'enterprise_value / ebitda_ttm (null unless EBITDA > 0)'),
  col('roe', 'DOUBLE', 'net_income_ttm / equity (null unless equity > 0)'),
  col('roa', 'DOUBLE', 'net_income_ttm / assets'),
  col('gross_margin', 'DOUBLE', 'gross_profit_ttm / revenue_ttm'),
  col('net_margin', 'DOUBLE', 'net_income_ttm / revenue_ttm'),
  col('debt_to_equity', 'DOUBLE', 'liabilities / equity (null unless equity > 0)'),
  col('current_ratio', 'DOUBLE', 'current_assets / current_liabilities'),
  col('null_reasons', 'VARCHAR[]', 'why each null ratio is null ("pe: trailing net income is not positive")'),
];
