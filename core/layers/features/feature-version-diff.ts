/**
 * Two built versions of a feature set compared: which expressions changed (by canonical form, so
 * spacing and quoting do not count), which were added or removed, and for each changed feature how
 * its values differ on the last day both versions have. The same comparison as `quantmini features
 * diff`, as data for the UI.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeatureSetDiffView } from '../../contract/contract-views.ts';
import { sqlIdent, sqlString } from '../../duckdb/duckdb-instance.ts';
import { featureSetPaths, versionPartitions } from '../../lake/feature-set-paths.ts';
import { loadManifest } from '../../features/sets/feature-set-manifest.ts';
import { readVersionRecord } from './feature-versions.ts';

/** What differs between two versions: the contract's view itself, so the UI and this module share one shape. */
export type FeatureVersionDiff = FeatureSetDiffView;

function builtManifest(lakeRoot: string, name: string, version: string) {
  if (!readVersionRecord(lakeRoot, name, version)) throw new Error(`${name}@${version} was never built in this lake`);
  return loadManifest(featureSetPaths(lakeRoot, name, version).manifest);
}

/** Compares versions `a` and `b` of set `name`; values are read with `conn` (one shared day, changed columns only). */
export async function diffFeatureVersions(
  conn: DuckDBConnection, lakeRoot: string, name: string, a: string, b: string,
): Promise<FeatureVersionDiff> {
  const ma = builtManifest(lakeRoot, name, a);
  const mb = builtManifest(lakeRoot, name, b);
  const ea = new Map(ma.expressions.map((e) => [e.name, e]));
  const eb = new Map(mb.expressions.map((e) => [e.name, e]));
  const changed = mb.expressions
    .filter((e) => ea.has(e.name) && ea.get(e.name)!.canonical !== e.canonical)
    .map((e) => ({ feature: e.name, before: ea.get(e.name)!.expression, after: e.expression }));
  const added = mb.expressions.filter((e) => !ea.has(e.name)).map((e) => ({ feature: e.name, expression: e.expression }));
  const removed = ma.expressions.filter((e) => !eb.has(e.name)).map((e) => ({ feature: e.name, expression: e.expression }));
  const filesA = new Map(versionPartitions(lakeRoot, name, a).map((p) => [p.date, p.file]));
  const shared = versionPartitions(lakeRoot, name, b).filter((p) => filesA.has(p.date)).at(-1) ?? null;
  const values: FeatureVersionDiff['values'] = [];
  if (shared && changed.length) {
    // One join per day: rows matched by instrument; NaN and NULL both mean "no value" and equal each other.
    const fa = sqlString(filesA.get(shared.date)!);
    const fb = sqlString(shared.file);
    const parts = changed.map(({ feature }) => {
      const c = sqlIdent(feature);
      const x = `CASE WHEN isnan(x.${c}) THEN NULL ELSE x.${c} END`;
      const y = `CASE WHEN isnan(y.${c}) THEN NULL ELSE y.${c} END`;
      return `count(*) FILTER (WHERE (${x}) IS DISTINCT FROM (${y})), coalesce(max(abs((${x}) - (${y}))), 0)`;
    });
    const sql = `SELECT count(*), ${parts.join(', ')} FROM read_parquet(${fa}) x FULL OUTER JOIN read_parquet(${fb}) y USING (instrument)`;
    const row = (await conn.runAndReadAll(sql)).getRows()[0]!;
    changed.forEach(({ feature }, k) => {
      values.push({ feature, compared: Number(row[0]), differing: Number(row[1 + 2 * k]), maxAbsDiff: Number(row[2 + 2 * k]) });
    });
  }
  return { name, a, b, changed, added, removed, sharedDay: shared?.date ?? null, values };
}
