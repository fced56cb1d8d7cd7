/**
 * A lake for the Feature sets, Gold and bench pages without running the whole chain: gold dumped
 * in-process from the qlib-small CSVs (as `quantmini qlib dump` does), feature-set versions built
 * from it through the one build path (`buildFeatureSet`), and gold's health report stored where
 * `quantmini qlib check` keeps it. Seconds instead of a full `update`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLakeRegistry, DEFAULT_TICKERS_DAILY_FROM } from '../../../core/datasets/index.ts';
import { loadBuiltinManifest, parseManifest } from '../../../core/features/sets/feature-set-manifest.ts';
import { buildFeatureSet } from '../../../core/layers/features/feature-job.ts';
import { dumpCsvToGold } from '../../../core/layers/gold/csv-gold-dump.ts';
import { checkGold } from '../../../core/layers/gold/gold-check.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { writeLakeGoldCheck } from '../../../core/layers/gold/lake-gold-check.ts';
import { readQlibCalendar } from '../../../core/qlib/qlib-dir-reader.ts';

const CSV_DIR = path.resolve('test', 'fixtures', 'qlib-small', 'csv');

/** Gold from the fixture CSVs into the lake's Qlib directory; returns its calendar. */
export async function dumpFixtureGold(lakeRoot: string): Promise<string[]> {
  const dir = lakeGoldDir(lakeRoot);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await dumpCsvToGold(CSV_DIR, dir, { freq: 'day', dateField: 'date', excludeFields: ['symbol'], threads: 0 });
  return readQlibCalendar(dir);
}

/** Builds a feature set from manifest text over `dates` of the lake's gold. */
export async function buildVersion(lakeRoot: string, manifestText: string, dates: readonly string[]): Promise<void> {
  const manifest = parseManifest(manifestText, 'test manifest');
  const registry = createLakeRegistry({ tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM });
  await buildFeatureSet({ lakeRoot, manifest, manifestText, dates, registry, threads: 1 });
}

/** The installed manifest text of a built-in set. */
export function builtinManifestText(name: string): string {
  return fs.readFileSync(loadBuiltinManifest(name).origin, 'utf8');
}

/** Checks the lake's gold (no silver here, so only Qlib's own rules and the calendar) and stores the report. */
export async function storeGoldReport(lakeRoot: string): Promise<void> {
  const dir = lakeGoldDir(lakeRoot);
  await writeLakeGoldCheck(lakeRoot, { ...checkGold(fs.realpathSync(dir), { freq: 'day' }), qlibDir: dir });
}
