/**
 * `symbol.feature`: one feature of a built feature-set version for one instrument, by date, for the
 * Symbol page's overlay. Feature sets are built on gold and key rows by Qlib instrument code, so the
 * instrument's code is derived exactly as gold names it (silver-gold-source.ts): the lowercased
 * ticker of its last bar, and `<code>_<id>` when another instrument with that code traded later.
 */
import type { SymbolFeatureView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { sqlIdent, sqlString } from '../duckdb/duckdb-instance.ts';
import { featureSetVersionViewName } from '../lake/feature-set-paths.ts';
import { lakeRows, lakeViewNames } from './lake-rows.ts';
import type { LakeCaller } from './sql-handlers.ts';

const BARS = 'stocks_daily_adjusted';

/** gold's id sanitising for a second holder of a code (lowercase letters and digits only). */
const sanitize = (id: string) => id.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** The Qlib code gold gives `instrumentId` (null when silver has no valid bar of it, so gold has none). */
export async function qlibCodeOf(lake: LakeCaller, instrumentId: string): Promise<string | null> {
  const id = sqlString(instrumentId);
  // Rivals for a code are instruments whose last bar carries the same ticker: only instruments that
  // ever traded under this one's last ticker can be, so the scan is limited to them.
  const [row] = await lakeRows(
    lake,
    `WITH mine AS (SELECT lower(arg_max(ticker, date)) AS code FROM ${BARS} WHERE instrument_id = ${id}),
     inst AS (
       SELECT instrument_id AS id, lower(arg_max(ticker, date)) AS code, max(date) AS last,
         bool_or(isfinite(close) AND volume > 0) AS valid
       FROM ${BARS} WHERE instrument_id IN (SELECT instrument_id FROM ${BARS}, mine WHERE lower(ticker) = mine.code)
       GROUP BY instrument_id)
     SELECT me.code, me.valid,
       (SELECT count(*) FROM inst o WHERE o.valid AND o.code = me.code AND o.id <> me.id
          AND (o.last > me.last OR (o.last = me.last AND o.id < me.id))) AS ahead
     FROM inst me WHERE me.id = ${id}`,
  );
  if (!row || row.code === null || !row.valid) return null;
  const code = String(row.code);
  return Number(row.ahead) > 0 ? `${code}_${sanitize(instrumentId)}` : code;
}

/** The feature's values for the instrument, ascending by date; not_found names what is missing. */
export async function readSymbolFeature(
  lake: LakeCaller,
  input: { instrumentId: string; set: string; version: string; feature: string },
): Promise<SymbolFeatureView> {
  const view = featureSetVersionViewName(input.set, input.version);
  const views = await lakeViewNames(lake);
  if (!views.has(view)) throw new RequestError('not_found', `feature set ${input.set}@${input.version} has no built partitions in the lake`);
  if (!views.has(BARS)) throw new RequestError('not_found', `the lake has no silver ${BARS}, so instrument ${input.instrumentId} has no Qlib code`);
  const columns = await lakeRows(
    lake,
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = ${sqlString(view)} AND column_name = ${sqlString(input.feature)}`,
  );
  if (columns.length === 0) throw new RequestError('not_found', `feature set ${input.set}@${input.version} has no feature ${input.feature}`);
  const code = await qlibCodeOf(lake, input.instrumentId);
  if (code === null) throw new RequestError('not_found', `instrument ${input.instrumentId} has no valid bar in silver, so gold and its features have none`);
  const rows = await lakeRows(
    lake,
    `SELECT CAST(date AS VARCHAR) AS date, CAST(${sqlIdent(input.feature)} AS DOUBLE) AS value
     FROM ${sqlIdent(view)} WHERE lower(instrument) = ${sqlString(code)} ORDER BY date`,
  );
  return {
    set: input.set,
    version: input.version,
    feature: input.feature,
    code: code.toUpperCase(),
    // NaN is stored as NULL; an infinite value cannot be drawn either (and JSON has no Infinity).
    points: rows.map((r) => ({ date: String(r.date), value: typeof r.value === 'number' && Number.isFinite(r.value) ? r.value : null })),
  };
}
