import type { PLAN_NAMES } from '../config/config-schema.ts';

/** A subscription plan, cheapest first. */
type PlanName = (typeof PLAN_NAMES)[number];

import type { REST_DATASET_IDS } from '../vocabulary/dataset-ids.ts';

export { REST_DATASET_IDS } from '../vocabulary/dataset-ids.ts';

export type RestDatasetId = (typeof REST_DATASET_IDS)[number];

/** DuckDB types a REST bronze column may have. */
export type RestColumnType = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP WITH TIME ZONE' | 'VARCHAR[]';

/** A column of a REST dataset's bronze files. */
export interface RestBronzeColumn {
  name: string;
  duckdbType: RestColumnType;
  description: string;
  /** A record without a value here is rejected (default: nullable). */
  required?: boolean;
}

/**
 * How one fetch unit is requested: a path (with `{id}` for per-entity endpoints) and query
 * parameters whose values may hold placeholders, filled per unit:
 * `{from}` `{to}` first and last calendar day the unit asks for (YYYY-MM-DD);
 * `{date}` the unit's only partition (day and snapshot units);
 * `{fromInstant}` `{toInstant}` 00:00 New York time of `{from}` and of the day after `{to}`, as UTC instants;
 * `{limit}` the page size.
 */
export interface RestQuery {
  path: string;
  params: Readonly<Record<string, string>>;
}

/**
 * How partitions are grouped into fetches:
 * - `day`: one trading day per fetch.
 * - `month`: the trading days of one calendar month in one date-range request (few rows a day, and a
 *   basic key's 5 requests a minute make per-day fetches of a 90-day window cost 18 minutes).
 * - `snapshot`: one point-in-time listing per snapshot date (see tickerSnapshotDates).
 * - `snapshot-interval`: the trading days after one snapshot up to the next; what to request is
 *   derived from the two snapshots (ticker_events: entities whose symbol or FIGI changed).
 */
export type RestFetchKind = 'day' | 'month' | 'snapshot' | 'snapshot-interval';

/** A rule a typed row must pass; the first rule it fails is its reject reason. */
export type RestValidationRule =
  | { column: string; check: 'non-empty' }
  | { column: string; check: 'finite' }
  | { column: string; check: 'positive' }
  | { column: string; check: 'non-negative' }
  | { column: string; check: 'not-above'; other: string };

/** Everything the planner, fetcher, parser, bronze writer and UI need to know about one REST dataset. */
export interface RestDatasetDeclaration {
  id: RestDatasetId;
  title: string;
  /** The endpoint path, as the reference names it (for messages and estimates). */
  endpoint: string;
  /** Requests made per fetch unit, in order (tickers: the active listing, then the inactive one). */
  queries: readonly RestQuery[];
  fetch: {
    kind: RestFetchKind;
    /** Page size asked for (the endpoint's maximum unless a smaller page is kinder to memory). */
    pageSize: number;
    /** The endpoint's documented maximum `limit`. */
    maxPageSize: number;
  };
  /**
   * The column whose date places a record: its partition is that date when it is a trading day, else
   * the next trading day (a Saturday split executes on Monday's open).
   */
  partitionKey: { column: string; meaning: string };
  /** Records whose date falls outside the fetched window: rejected, or skipped because they belong to another fetch. */
  outsideWindow: 'reject' | 'skip';
  /** How far an update refetches: trading days back from the last complete day, calendar days ahead. */
  refresh: { lookbackTradingDays: number; lookaheadCalendarDays: number };
  /** The cheapest plan whose key may read it. */
  minimumPlan: PlanName;
  /** First date of history worth asking for. */
  firstDate: string;
  /** Bronze columns in file order; the first is always `date`, the partition's trading date. */
  columns: readonly RestBronzeColumn[];
  /** Dedupe: on `idColumn` when a record carries one, otherwise on the natural key. */
  dedupe: { idColumn: string | null; naturalKey: readonly string[] };
  /** Checks beyond type, presence and date validity (those follow from the columns). */
  validation: readonly RestValidationRule[];
  /** Row order in a bronze file. */
  sortBy: readonly string[];
  /** Datasets whose bronze partitions a fetch reads (ticker_events reads two tickers snapshots). */
  inputs: readonly RestDatasetId[];
  /** Bump when columns change. */
  schemaVersion: number;
}
