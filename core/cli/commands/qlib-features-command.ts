import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExpressionError } from '../../features/expression/expression-error.ts';
import { defaultThreads, evaluateQlibQuery } from '../../features/engine/feature-pool.ts';
import { EvaluationError } from '../../features/engine/plan-evaluator.ts';
import type { CompiledFeatureSet } from '../../features/engine/feature-set-compiler.ts';
import { openFeatureTableWriter, tableFormatOf, type FeatureTableWriter } from '../../features/output/feature-table-writer.ts';
import { planQlibQuery, type QlibQueryPlan } from '../../features/qlib/qlib-directory-query.ts';
import { compileFeatureSet, loadBuiltinManifest, loadManifest, ManifestError, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';

interface QlibFeaturesOptions {
  qlibDir: string;
  set: string;
  manifest?: string;
  label?: boolean;
  instruments: string[];
  start?: string;
  end?: string;
  out: string;
  threads?: number;
}

/**
 * `quantmini qlib features`: evaluates a feature set (Alpha158 by default) over any Qlib data
 * directory and writes Qlib's layout (instrument,datetime,<names>[,LABEL0]) as CSV or Parquet,
 * with Qlib's rows: all.txt spans for `--instruments all`, the bin ranges for an explicit list.
 */
export function registerQlibFeaturesCommand(qlib: Command): void {
  qlib
    .command('features')
    .description('compute a feature set (e.g. Alpha158) over a Qlib data directory, as Qlib would, into CSV or Parquet')
    .requiredOption('--qlib-dir <dir>', 'Qlib data directory (calendars/, instruments/, features/)')
    .option('--set <name>', 'built-in feature set (alpha158, alpha360, daily)', 'alpha158')
    .option('--manifest <file>', 'a feature-set manifest (YAML) to use instead of a built-in set')
    .option('--label', "also compute the set's labels (Alpha158: LABEL0)")
    .option('--instruments <list>', '"all" or a market (spans of instruments/<market>.txt), or a comma-separated list (whole bin ranges)', parseList, ['all'])
    .option('--start <date>', 'first date (YYYY-MM-DD)', parseIsoDate)
    .option('--end <date>', 'last date (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--out <file>', 'output file: .csv (Qlib layout, %.9g) or .parquet')
    .option('--threads <n>', 'worker threads (default: one per core)', parsePositiveInt)
    .action(async (opts: QlibFeaturesOptions, cmd: Command) => {
      const ctx = createCliContext(cmd);
      if (!tableFormatOf(opts.out)) throw new CliError(`--out ${opts.out}: the file name must end in .csv or .parquet`, 2);
      if (opts.start && opts.end && opts.start > opts.end) throw new CliError(`--start ${opts.start} is after --end ${opts.end}`, 2);
      if (!fs.existsSync(opts.qlibDir)) throw new CliError(`--qlib-dir ${opts.qlibDir}: no such directory`);
      let manifest: FeatureSetManifest;
      try {
        manifest = opts.manifest ? loadManifest(opts.manifest) : loadBuiltinManifest(opts.set);
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(err.message);
        throw err;
      }
      let compiled: CompiledFeatureSet;
      try {
        compiled = compileFeatureSet(manifest, { labels: Boolean(opts.label) });
      } catch (err) {
        if (err instanceof ExpressionError) throw new CliError(`${manifest.origin}: ${err.summary}`);
        throw err;
      }
      const started = performance.now();
      const instruments = instrumentsOption(opts.qlibDir, opts.instruments);
      let plan: QlibQueryPlan;
      try {
        plan = planQlibQuery({ qlibDir: opts.qlibDir, instruments, start: opts.start, end: opts.end });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const missing = missingFields(opts.qlibDir, compiled.fields);
      for (const f of missing) ctx.notice(`note: no instrument in ${opts.qlibDir} has $${f}; features using it are empty (NaN), as in Qlib`);
      const threads = opts.threads ?? (plan.jobs.length < 16 ? 1 : defaultThreads());
      const writer: FeatureTableWriter = await openFeatureTableWriter(opts.out, compiled.names, plan.calendar);
      let rows = 0;
      let written = 0;
      try {
        for await (const r of evaluateQlibQuery(compiled, plan, { threads, csv: writer.takesCsvText })) {
          if (r.csv !== null) await writer.writeText(r.csv);
          else await writer.write(r);
          rows += r.rows.length;
          written++;
        }
        await writer.finish();
      } catch (err) {
        await writer.abort();
        if (err instanceof EvaluationError) throw new CliError(err.message);
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      const summary = { out: opts.out, set: manifest.name, version: manifest.version, contentHash: manifest.contentHash, columns: compiled.names.length, instruments: written, rows, seconds: Number(seconds.toFixed(3)), threads };
      if (ctx.json) ctx.printJson(summary);
      else ctx.print(`${opts.out}: ${rows} rows x ${compiled.names.length} columns for ${written} instruments (${manifest.name} ${manifest.version}) in ${seconds.toFixed(1)} s`);
    });
}

/** Qlib's reading of --instruments: one name with an instruments/<name>.txt file is a market, anything else symbols. */
function instrumentsOption(qlibDir: string, list: string[]): 'all' | { market: string } | string[] {
  if (list.length === 1 && fs.existsSync(path.join(qlibDir, 'instruments', `${list[0]}.txt`))) {
    return list[0] === 'all' ? 'all' : { market: list[0]! };
  }
  if (list.length === 1 && list[0] === 'all') throw new CliError(`--qlib-dir ${qlibDir}: no instruments/all.txt`);
  if (list.length === 0) throw new CliError('--instruments: give "all", a market name or a comma-separated list');
  return list;
}

/** Fields that no instrument directory has a day bin for. */
function missingFields(qlibDir: string, fields: readonly string[]): string[] {
  let dirs: string[];
  try {
    dirs = fs.readdirSync(path.join(qlibDir, 'features'));
  } catch {
    return [];
  }
  return fields.filter((f) => !dirs.some((d) => fs.existsSync(path.join(qlibDir, 'features', d, `${f}.day.bin`))));
}
