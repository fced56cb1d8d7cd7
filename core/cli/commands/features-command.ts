import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createLakeRegistry } from '../../datasets/index.ts';
import { openDuckDb, sqlString } from '../../duckdb/duckdb-instance.ts';
import { builtVersions, featureSetPaths, versionPartitions } from '../../lake/feature-set-paths.ts';
import { listBuiltinFeatureSets, loadBuiltinManifest, loadManifest, ManifestError, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { buildFeatureSet } from '../../layers/features/feature-job.ts';
import { noteExperiment, readVersionRecord } from '../../layers/features/feature-versions.ts';
import { verifyFeatureVersion, type VerifyDifference } from '../../layers/features/feature-verify.ts';
import { lakeGoldDir } from '../../layers/gold/gold-store.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { acquireLakeLock } from '../../runtime/lake-lock.ts';
import { registryOptionsOf } from '../../runtime/run-engine.ts';
import { createCliContext, type CliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parsePositiveInt } from '../cli-options.ts';

/** NAME or NAME@VERSION. */
function parseRef(ref: string): { name: string; version: string | null } {
  const m = /^([a-z][a-z0-9_]*)(?:@(\d+\.\d+\.\d+))?$/.exec(ref);
  if (!m) throw new CliError(`"${ref}" is not NAME or NAME@VERSION (e.g. alpha158@1.0.0)`, 2);
  return { name: m[1]!, version: m[2] ?? null };
}

/** The manifest a reference names: --manifest, else a built version's stored manifest, else the installed one. */
function resolveManifest(ctx: CliContext, ref: string, file?: string): { manifest: FeatureSetManifest; text: string } {
  const { name, version } = parseRef(ref);
  try {
    let manifest: FeatureSetManifest;
    if (file) manifest = loadManifest(file);
    else if (version && readVersionRecord(ctx.dataRoot, name, version)) manifest = loadManifest(featureSetPaths(ctx.dataRoot, name, version).manifest);
    else manifest = loadBuiltinManifest(name);
    if (manifest.name !== name) throw new CliError(`${manifest.origin} is feature set "${manifest.name}", not "${name}"`);
    if (version && manifest.version !== version) throw new CliError(`${name}@${version} is not built and the manifest (${manifest.origin}) is version ${manifest.version}`);
    return { manifest, text: fs.readFileSync(manifest.origin, 'utf8') };
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(err.message);
    throw err;
  }
}

function goldDays(ctx: CliContext, from?: string, to?: string): string[] {
  const dir = lakeGoldDir(ctx.dataRoot);
  if (!fs.existsSync(dir)) throw new CliError(`no gold in ${ctx.dataRoot} (gold/qlib/us): feature sets are built from it; run quantmini update`);
  return readQlibCalendar(dir).filter((d) => (!from || d >= from) && (!to || d <= to));
}

async function readRows(files: string[], columns: string): Promise<unknown[][]> {
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  try {
    return (await db.connection.runAndReadAll(`SELECT ${columns} FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false) ORDER BY date, instrument`)).getRows();
  } finally {
    db.close();
  }
}

/** `quantmini features ...`: feature sets in the lake's silver (versions, builds, checks, notes). */
export function registerFeaturesCommand(program: Command): void {
  const features = program.command('features').description('feature sets in silver: list, show, build, verify, diff and annotate versions');

  features.command('list').description('installed feature sets and the versions built in the lake').action((_o: unknown, cmd: Command) => {
    const ctx = createCliContext(cmd, { lake: 'read' });
    const sets = listBuiltinFeatureSets().map((name) => {
      const m = loadBuiltinManifest(name);
      const built = builtVersions(ctx.dataRoot, name).map((v) => ({ version: v, stats: readVersionRecord(ctx.dataRoot, name, v)?.stats ?? null }));
      return { name, installed: m.version, contentHash: m.contentHash, features: m.expressions.length, built };
    });
    if (ctx.json) return ctx.printJson(sets);
    for (const s of sets) {
      const built = s.built.map((b) => `${b.version} (${b.stats?.partitions ?? 0} days, ${b.stats?.rows ?? 0} rows)`).join(', ') || 'not built';
      ctx.print(`${s.name}@${s.installed}  ${s.features} features  built: ${built}`);
    }
  });

  features.command('show <ref>').description('a manifest: version, hash, fields, windows, expressions; with its stats when built')
    .option('--manifest <file>', 'a manifest file that is not installed')
    .action((ref: string, opts: { manifest?: string }, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'read' });
      const { manifest: m } = resolveManifest(ctx, ref, opts.manifest);
      const rec = readVersionRecord(ctx.dataRoot, m.name, m.version);
      const out = {
        name: m.name, version: m.version, description: m.description, contentHash: m.contentHash, parentVersion: m.parentVersion, source: m.source,
        lookback: m.lookback, lookahead: m.lookahead, refDepth: m.refDepth, expressions: m.expressions.map((e) => ({ name: e.name, expression: e.expression })),
        labels: m.labels.map((e) => ({ name: e.name, expression: e.expression })), built: rec ? { contentHash: rec.contentHash, stats: rec.stats } : null,
      };
      if (ctx.json) return ctx.printJson(out);
      ctx.print(`${m.name}@${m.version}  ${m.contentHash}  (${m.origin})`);
      ctx.print(`source ${m.source.dataset} [${m.source.fields.join(', ')}], lookback ${m.lookback}, Ref depth ${m.refDepth}`);
      for (const e of m.expressions) ctx.print(`  ${e.name} = ${e.expression}`);
      for (const e of m.labels) ctx.print(`  label ${e.name} = ${e.expression}`);
      ctx.print(rec ? `built: ${rec.stats?.partitions ?? 0} days ${rec.stats?.from ?? ''}..${rec.stats?.to ?? ''}, ${rec.stats?.rows ?? 0} rows` : 'not built in this lake');
    });

  features.command('build <ref>').description('build days of a feature set from the lake gold (default: every gold day)')
    .option('--from <date>', 'first day', parseIsoDate)
    .option('--to <date>', 'last day', parseIsoDate)
    .option('--manifest <file>', 'a manifest file that is not installed')
    .option('--threads <n>', 'worker threads', parsePositiveInt)
    .action(async (ref: string, opts: { from?: string; to?: string; manifest?: string; threads?: number }, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'write' });
      const { manifest, text } = resolveManifest(ctx, ref, opts.manifest);
      const dates = goldDays(ctx, opts.from, opts.to);
      if (dates.length === 0) throw new CliError(`gold has no days in ${opts.from ?? '...'}..${opts.to ?? '...'}`);
      const lock = await acquireLakeLock(ctx.dataRoot, { command: `quantmini features build ${ref}` });
      try {
        const registry = createLakeRegistry(registryOptionsOf(ctx.config.settings));
        const r = await buildFeatureSet({ lakeRoot: ctx.dataRoot, manifest, manifestText: text, dates, registry, ...(opts.threads ? { threads: opts.threads } : {}) });
        if (ctx.json) return ctx.printJson({ set: `${manifest.name}@${manifest.version}`, days: r.built.length, rows: r.built.reduce((s, d) => s + d.rows, 0), experiment: r.experiment.id });
        ctx.print(`${manifest.name}@${manifest.version}: built ${r.built.length} days (${r.built.reduce((s, d) => s + d.rows, 0)} rows); experiment ${r.experiment.id}`);
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(err.message);
        throw err;
      } finally {
        await lock.release();
      }
    });

  features.command('verify <ref>').description('rebuild a sample of stored days and compare them with what is stored')
    .option('--sample <n>', 'days to rebuild (spread over the range)', parsePositiveInt, 5)
    .action(async (ref: string, opts: { sample: number }, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'write' });
      const { manifest } = resolveManifest(ctx, ref);
      if (versionPartitions(ctx.dataRoot, manifest.name, manifest.version).length === 0) throw new CliError(`${manifest.name}@${manifest.version} has no partitions in this lake`);
      const scratch = path.join(ctx.dataRoot, '.tmp', `verify-${process.pid}`);
      try {
        const r = await verifyFeatureVersion({ lakeRoot: ctx.dataRoot, manifest, sample: opts.sample, scratchDir: scratch });
        if (r.differing.length) process.exitCode = 1;
        if (ctx.json) return ctx.printJson({ set: `${manifest.name}@${manifest.version}`, checked: r.checked.map((c) => c.date), differing: r.differing.map((d) => d.date), details: r.differing });
        const what = (d: VerifyDifference) => [
          ...d.features.map((f) => `${f.name} (${f.rows} instruments)`),
          ...(d.missing ? [`${d.missing} instruments missing`] : []), ...(d.extra ? [`${d.extra} instruments not stored`] : []),
        ].join(', ');
        ctx.print(`${manifest.name}@${manifest.version}: ${r.checked.length} days rebuilt, ${r.differing.length ? `differ: ${r.differing.map((d) => `${d.date}: ${what(d)}`).join('; ')}` : 'all identical to what is stored'}`);
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });

  features.command('diff <a> <b>').description('features whose expression changed between two versions, and how their values differ on a shared day')
    .action(async (ra: string, rb: string, _o: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'read' });
      const a = resolveManifest(ctx, ra).manifest;
      const b = resolveManifest(ctx, rb).manifest;
      const ea = new Map(a.expressions.map((e) => [e.name, e.canonical]));
      const eb = new Map(b.expressions.map((e) => [e.name, e.canonical]));
      const changed = [...ea.keys()].filter((n) => eb.has(n) && eb.get(n) !== ea.get(n));
      const added = [...eb.keys()].filter((n) => !ea.has(n));
      const removed = [...ea.keys()].filter((n) => !eb.has(n));
      const pa = new Map(versionPartitions(ctx.dataRoot, a.name, a.version).map((p) => [p.date, p.file]));
      const shared = versionPartitions(ctx.dataRoot, b.name, b.version).filter((p) => pa.has(p.date)).at(-1);
      const values: Array<{ feature: string; date: string; differing: number; maxAbsDiff: number }> = [];
      if (shared) {
        for (const f of changed) {
          const col = `instrument, date, "${f}"`;
          const x = await readRows([pa.get(shared.date)!], col);
          const y = new Map((await readRows([shared.file], col)).map((r) => [String(r[0]), r[2]]));
          let differing = 0;
          let maxAbsDiff = 0;
          for (const r of x) {
            const u = r[2] === null ? NaN : Number(r[2]);
            const v0 = y.get(String(r[0]));
            const v = v0 === null || v0 === undefined ? NaN : Number(v0);
            if (!Object.is(u, v)) differing++;
            if (Number.isFinite(u - v)) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(u - v));
          }
          values.push({ feature: f, date: shared.date, differing, maxAbsDiff });
        }
      }
      const out = { a: `${a.name}@${a.version}`, b: `${b.name}@${b.version}`, changed, added, removed, values };
      if (ctx.json) return ctx.printJson(out);
      ctx.print(`${out.a} -> ${out.b}: ${changed.length} changed, ${added.length} added, ${removed.length} removed`);
      for (const f of changed) ctx.print(`  ~ ${f}: ${ea.get(f)} -> ${eb.get(f)}`);
      for (const f of added) ctx.print(`  + ${f}: ${eb.get(f)}`);
      for (const f of removed) ctx.print(`  - ${f}: ${ea.get(f)}`);
      for (const v of values) ctx.print(`  ${v.feature} on ${v.date}: ${v.differing} values differ, largest difference ${v.maxAbsDiff}`);
      if (changed.length && !shared) ctx.print('  (no day built in both versions to compare values on)');
    });

  features.command('note <ref> <text>').description("set the note of a version's latest build in the experiments log")
    .action(async (ref: string, text: string, _o: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'write' });
      const { name, version } = parseRef(ref);
      if (!version) throw new CliError('note needs NAME@VERSION', 2);
      try {
        const e = await noteExperiment(ctx.dataRoot, name, version, text);
        if (ctx.json) return ctx.printJson(e);
        ctx.print(`${e.id}: ${text}`);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    });
}
