import fs from 'node:fs';
import { previousTradingDay } from '../../calendar/index.ts';
import { createLakeRegistry, type DatasetRegistry } from '../../datasets/index.ts';
import { openDuckDb, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { createLineageReader, currentLineage, staleReason, type Lineage, type LineageReader } from '../../lake/lineage.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { corporateActionsOutputSql, factorDaySql, factorRejectsSql } from './adjustment-factors-sql.ts';
import { adjustedBarsDaySql } from './adjusted-bars-sql.ts';
import { buildFactorTables } from './factor-tables.ts';
import { ratioDaySql, ratioTablesSql } from './financial-ratios-sql.ts';
import { fundamentalsDaySql, fundamentalsRejectsSql, fundamentalsTablesSql } from './fundamentals-sql.ts';
import { OPTIONS_ENRICHED_SELECT, buildOptionsEnriched } from './options-enriched.ts';
import { universeDaySql, universeTablesSql } from './universe-sql.ts';
import { presentFiles } from './silver-inputs.ts';
import type { SilverJobSpec } from './silver-job-kind.ts';
import { factorStateFile, writeFactorState, writeSilverPartition } from './silver-partition-writer.ts';

/** What a builder gets: the lake as it is now (lineage is taken before any input is read). */
interface BuildContext {
  spec: SilverJobSpec;
  registry: DatasetRegistry;
  reader: LineageReader;
  db: DuckDbHandle;
  ctx: WorkerContext;
  lineage: Map<string, Lineage>;
}

interface BuildTotals {
  rows: number;
  rejects: number;
  written: number;
  /** Dates not written because the day's bronze bars are not there. */
  missing: string[];
}

function hasBronzeBars(b: BuildContext, date: string): boolean {
  const rec = b.reader.record({ dataset: 'stocks_daily', layer: 'bronze', date });
  return !!rec && (rec.status === 'complete' || rec.status === 'degraded') && fs.existsSync(lakePaths(b.spec.lakeRoot).bronzeFile('stocks_daily', date));
}

/** The factor tables over the job's dates, from every present input up to its last date (or the state, see below). */
async function factorTablesFor(b: BuildContext, state?: string): Promise<void> {
  const { spec, registry, reader } = b;
  const upTo = spec.dates[spec.dates.length - 1]!;
  const files = (id: string, from = '0000-01-01') => presentFiles(spec.lakeRoot, registry, reader, id, 'bronze', from, upTo);
  await buildFactorTables(b.db.connection, {
    stocksDaily: files('stocks_daily', state ? spec.dates[0]! : undefined), splits: files('splits'), dividends: files('dividends'),
    tickers: files('tickers'), tickerEvents: files('ticker_events'), ...(state ? { state } : {}),
  }, upTo, spec.dates[0]!);
}

/**
 * The factor state after the trading day before the job's first date, when it can stand for the
 * history: that day's factor partition is built and fresh (lineage: none of its inputs, every bar,
 * action and reference row up to it, changed since), and its state file is in place. Otherwise
 * undefined and the build reads every bar since the first day.
 */
function carriedState(b: BuildContext): string | undefined {
  const ref = { dataset: 'adjustment_factors', layer: 'silver' as const, date: previousTradingDay(b.spec.dates[0]!) };
  const rec = b.reader.record(ref);
  if (!rec || (rec.status !== 'complete' && rec.status !== 'degraded') || staleReason(b.registry, b.reader, ref, rec)) return undefined;
  const file = factorStateFile(b.spec.lakeRoot, ref.date);
  return fs.existsSync(file) ? file : undefined;
}

async function buildCorporateActions(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec } = b;
  await factorTablesFor(b);
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    const select = corporateActionsOutputSql(date, previousTradingDay(date));
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, { dataset: spec.dataset, date, select, lineage: b.lineage.get(date)!, startedAt: new Date().toISOString() });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} actions` });
  }
}

async function buildAdjustmentFactors(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec } = b;
  await factorTablesFor(b, carriedState(b));
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    if (!hasBronzeBars(b, date)) {
      totals.missing.push(date);
      continue;
    }
    // The state goes first: a record never names a day whose state a next day could not read.
    await writeFactorState(b.db.connection, spec.lakeRoot, date);
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, {
      dataset: spec.dataset, date, select: factorDaySql(date), rejects: factorRejectsSql(date, previousTradingDay(date)),
      lineage: b.lineage.get(date)!, startedAt: new Date().toISOString(),
    });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} instruments` });
  }
}

async function buildAdjustedBars(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec, registry, reader } = b;
  const paths = lakePaths(spec.lakeRoot);
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    const factors = presentFiles(spec.lakeRoot, registry, reader, 'adjustment_factors', 'silver', date, date)[0];
    if (!hasBronzeBars(b, date) || !factors) {
      totals.missing.push(date);
      continue;
    }
    const minutes = presentFiles(spec.lakeRoot, registry, reader, 'stocks_minute', 'bronze', date, date);
    const select = adjustedBarsDaySql({ bars: paths.bronzeFile('stocks_daily', date), factors, minutes });
    const unmatched = (await b.db.connection.runAndReadAll(`SELECT ticker FROM (${select}) WHERE instrument_id IS NULL LIMIT 3`)).getRows();
    if (unmatched.length > 0) {
      throw new Error(`stocks_daily_adjusted ${date}: bars without a factor (${unmatched.map((r) => String(r[0])).join(', ')}): rebuild adjustment_factors ${date}`);
    }
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, { dataset: spec.dataset, date, select, lineage: b.lineage.get(date)!, startedAt: new Date().toISOString() });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} bars` });
  }
}

async function buildUniverse(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec, registry, reader } = b;
  const upTo = spec.dates[spec.dates.length - 1]!;
  const files = (id: string) => presentFiles(spec.lakeRoot, registry, reader, id, 'bronze', '0000-01-01', upTo);
  const tables = universeTablesSql({ stocksDaily: files('stocks_daily'), tickers: files('tickers'), tickerEvents: files('ticker_events') }, upTo);
  for (const sql of tables) await b.db.connection.run(sql);
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    if (!hasBronzeBars(b, date)) {
      totals.missing.push(date);
      continue;
    }
    const select = universeDaySql(date);
    const dup = (await b.db.connection.runAndReadAll(`SELECT instrument_id FROM (${select}) GROUP BY 1 HAVING count(*) > 1 LIMIT 3`)).getRows();
    if (dup.length > 0) throw new Error(`universe ${date}: two symbols resolve to one instrument (${dup.map((r) => String(r[0])).join(', ')})`);
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, { dataset: spec.dataset, date, select, lineage: b.lineage.get(date)!, startedAt: new Date().toISOString() });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} instruments` });
  }
}

async function buildOptionsEnrichedDays(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec, registry, reader } = b;
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    const options = presentFiles(spec.lakeRoot, registry, reader, 'options_daily', 'bronze', date, date)[0];
    if (!options) {
      totals.missing.push(date);
      continue;
    }
    const stocks = presentFiles(spec.lakeRoot, registry, reader, 'stocks_daily', 'bronze', date, date)[0] ?? null;
    const counts = await buildOptionsEnriched(b.db.connection, { options, stocks }, date, spec.riskFreeRate);
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, {
      dataset: spec.dataset, date, select: OPTIONS_ENRICHED_SELECT, lineage: b.lineage.get(date)!, startedAt: new Date().toISOString(),
      counts: { noUnderlyingBar: counts.noUnderlyingBar, noImpliedVolatility: counts.noImpliedVolatility },
    });
    count(totals, r);
    b.ctx.onProgress({
      phase: 'writing',
      message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} contracts, ${counts.noUnderlyingBar} without an underlying bar, ${counts.noImpliedVolatility} without IV`,
    });
  }
}

async function buildFundamentals(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec, registry, reader } = b;
  const upTo = spec.dates[spec.dates.length - 1]!;
  const bronze = (id: string, from: string) => presentFiles(spec.lakeRoot, registry, reader, id, 'bronze', from, upTo);
  const financials = bronze('financials', spec.dates[0]!);
  const reference = { tickers: bronze('tickers', '0000-01-01'), tickerEvents: bronze('ticker_events', '0000-01-01') };
  const tables = fundamentalsTablesSql({ financials, ...reference }, upTo);
  for (const sql of tables) await b.db.connection.run(sql);
  for (const [i, date] of spec.dates.entries()) {
    b.ctx.signal.throwIfAborted();
    if (!presentFiles(spec.lakeRoot, registry, reader, 'financials', 'bronze', date, date)[0]) {
      totals.missing.push(date);
      continue;
    }
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, {
      dataset: spec.dataset, date, select: fundamentalsDaySql(date), rejects: fundamentalsRejectsSql(date),
      lineage: b.lineage.get(date)!, startedAt: new Date().toISOString(),
    });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${spec.dates.length}): ${r.rows} filings` });
  }
}

async function buildFinancialRatios(b: BuildContext, totals: BuildTotals): Promise<void> {
  const { spec, registry, reader } = b;
  const upTo = spec.dates[spec.dates.length - 1]!;
  const silver = (id: string, from: string, to = upTo) => presentFiles(spec.lakeRoot, registry, reader, id, 'silver', from, to);
  const days = spec.dates.filter((date) => silver('adjustment_factors', date, date).length > 0);
  totals.missing.push(...spec.dates.filter((date) => !days.includes(date)));
  if (days.length === 0) return;
  const files = {
    fundamentals: silver('fundamentals', '0000-01-01'), corporateActions: silver('corporate_actions', '0000-01-01'),
    factors: days.flatMap((d) => silver('adjustment_factors', d, d)),
  };
  for (const sql of ratioTablesSql(files, days)) await b.db.connection.run(sql);
  for (const [i, date] of days.entries()) {
    b.ctx.signal.throwIfAborted();
    const r = await writeSilverPartition(b.db.connection, spec.lakeRoot, {
      dataset: spec.dataset, date, select: ratioDaySql(date), lineage: b.lineage.get(date)!, startedAt: new Date().toISOString(),
    });
    count(totals, r);
    b.ctx.onProgress({ phase: 'writing', message: `${date} (${i + 1} of ${days.length}): ${r.rows} instruments` });
  }
}

function count(totals: BuildTotals, r: { rows: number; rejects: number }): void {
  totals.rows += r.rows;
  totals.rejects += r.rejects;
  totals.written++;
}

const BUILDERS: Record<string, (b: BuildContext, totals: BuildTotals) => Promise<void>> = {
  adjustment_factors: buildAdjustmentFactors,
  stocks_daily_adjusted: buildAdjustedBars,
  universe: buildUniverse,
  options_daily_enriched: buildOptionsEnrichedDays,
  corporate_actions: buildCorporateActions,
  fundamentals: buildFundamentals,
  financial_ratios: buildFinancialRatios,
};

/** Worker side of the `silver-build` job kind: the spec's partitions of one silver dataset, each with its record and lineage. */
export async function runSilverJob(raw: unknown, ctx: WorkerContext): Promise<WorkerResult> {
  const spec = raw as SilverJobSpec;
  const build = BUILDERS[spec.dataset];
  if (!build) throw new Error(`silver-build has no builder for "${spec.dataset}" (it builds: ${Object.keys(BUILDERS).join(', ')})`);
  const registry = createLakeRegistry(spec.registryOptions);
  const reader = createLineageReader(spec.lakeRoot);
  const lineage = new Map(spec.dates.map((date) => [date, currentLineage(registry, reader, { dataset: spec.dataset, layer: 'silver', date })]));
  // Every output is ordered explicitly (ORDER BY, ordered list folds), so insertion order buys nothing.
  const db = await openDuckDb({ ...spec.duckdb, tempDirectory: lakePaths(spec.lakeRoot).tmpDir, preserveInsertionOrder: false });
  const totals: BuildTotals = { rows: 0, rejects: 0, written: 0, missing: [] };
  try {
    await build({ spec, registry, reader, db, ctx, lineage }, totals);
  } finally {
    db.close();
  }
  const missing = totals.missing.length
    ? `no bronze input for ${totals.missing.slice(0, 3).join(', ')}${totals.missing.length > 3 ? ` and ${totals.missing.length - 3} more` : ''}`
    : null;
  const outcome = totals.written === 0 && missing ? 'missing' : totals.rejects > 0 ? 'degraded' : 'complete';
  return { outcome, rows: totals.rows, rejects: totals.rejects, ...(missing ? { error: missing } : {}) };
}
