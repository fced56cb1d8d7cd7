import type { Command } from 'commander';
import { dumpCsvToGold, updateGoldFromCsv, type CsvDumpResult } from '../../layers/gold/csv-gold-dump.ts';
import { addFeatureColumns, type FeatureColumnsResult } from '../../layers/gold/gold-feature-columns.ts';
import { GoldStoreError } from '../../layers/gold/gold-store.ts';
import { loadBuiltinManifest, ManifestError, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { QlibCsvError } from '../../qlib/qlib-csv-reader.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseList, parseNonNegativeInt } from '../cli-options.ts';

interface DumpOptions {
  csvDir: string;
  qlibDir: string;
  freq: string;
  dateField: string;
  excludeFields?: string[];
  includeFields?: string[];
  update?: boolean;
  durable?: boolean;
  threads?: number;
  withFeatures?: string;
}

/** The installed manifest of NAME[@VERSION], where VERSION may be a prefix of its semantic version ("1" is any 1.x.y). */
function featureSetOf(ref: string): FeatureSetManifest {
  const [name, version] = ref.split('@') as [string, string | undefined];
  let manifest: FeatureSetManifest;
  try {
    manifest = loadBuiltinManifest(name);
  } catch (err) {
    if (err instanceof ManifestError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`--with-features ${ref}: ${(err as Error).message}`);
    throw err;
  }
  if (version && manifest.version !== version && !manifest.version.startsWith(`${version}.`)) {
    throw new CliError(`--with-features ${ref}: the installed ${name} is version ${manifest.version}`);
  }
  return manifest;
}

/** `quantmini qlib dump`: per-symbol CSVs to Qlib's format, byte for byte what dump_bin.py dump_all writes. */
export function registerQlibDumpCommand(qlib: Command): void {
  qlib
    .command('dump')
    .description(
      "write per-symbol CSVs (file name = symbol) as a Qlib directory, byte for byte what Qlib's scripts/dump_bin.py dump_all writes; " +
        '--update adds new rows and writes what a dump of all rows would (unlike dump_update)',
    )
    .requiredOption('--csv-dir <dir>', 'folder of <SYMBOL>.csv files (or one CSV file)')
    .requiredOption('--qlib-dir <dir>', "Qlib directory to write (becomes a symlink to the current generation under .<name>.gold/)")
    .option('--freq <freq>', 'frequency: day (dates) or e.g. 1min (date and time)', 'day')
    .option('--date-field <name>', 'name of the date column', 'date')
    .option('--exclude-fields <a,b>', 'columns not to write', parseList)
    .option('--include-fields <a,b>', 'only these columns', parseList)
    .option('--update', 'merge these rows into the existing directory instead of replacing it')
    .option('--durable', 'fsync every file before switching (survives power loss; slower)')
    .option('--threads <n>', 'worker threads parsing CSVs (default: one per core above 8 MB of CSV; 0 = none)', parseNonNegativeInt)
    .option('--with-features <set>', 'also write a feature set\'s outputs as fields (NAME[@VERSION], e.g. alpha158@1: $kmid, ...); day data, not with --update')
    .action(async (opts: DumpOptions, cmd: Command) => {
      const ctx = createCliContext(cmd);
      if (opts.withFeatures && (opts.update || opts.freq !== 'day')) throw new CliError('--with-features goes with a full dump of day data (not --update, not minute data)', 2);
      const manifest = opts.withFeatures ? featureSetOf(opts.withFeatures) : null;
      const dumpOpts = {
        freq: opts.freq,
        dateField: opts.dateField,
        includeFields: opts.includeFields,
        excludeFields: opts.excludeFields,
        threads: opts.threads,
      };
      let r: CsvDumpResult;
      try {
        r = opts.update
          ? await updateGoldFromCsv(opts.csvDir, opts.qlibDir, dumpOpts, { durable: opts.durable })
          : await dumpCsvToGold(opts.csvDir, opts.qlibDir, dumpOpts, { durable: opts.durable });
      } catch (err) {
        if (err instanceof QlibCsvError || err instanceof GoldStoreError) throw new CliError(err.message);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError((err as Error).message);
        throw err;
      }
      let features: FeatureColumnsResult | null = null;
      try {
        if (manifest) features = await addFeatureColumns(opts.qlibDir, manifest, opts.threads ? { threads: opts.threads } : {});
      } catch (err) {
        throw new CliError(`--with-features ${opts.withFeatures}: ${(err as Error).message}`);
      }
      for (const f of r.emptyFiles) ctx.notice(`skipped ${f}: a header and no rows`);
      if (ctx.json) {
        const withFeatures = features ? { withFeatures: { set: features.set, fields: features.fields.length, instruments: features.instruments } } : {};
        return ctx.printJson({ qlibDir: opts.qlibDir, update: Boolean(opts.update), ...r, ...withFeatures });
      }
      const secs = (r.elapsedMs / 1000).toFixed(2);
      ctx.print(
        `${opts.update ? 'updated' : 'wrote'} ${opts.qlibDir}: ${r.instruments} instruments, ${r.calendarLength} calendar entries` +
          `${r.calendarFirst ? ` (${r.calendarFirst} .. ${r.calendarLast})` : ''}, generation ${r.generation}`,
      );
      ctx.print(
        `  ${r.changedInstruments} instruments changed; bins: ${r.filesCreated} new, ${r.filesPatched} patched, ` +
          `${r.filesLinked} linked, ${r.filesKept} kept; ${secs} s`,
      );
      if (features) ctx.print(`  ${features.set}: ${features.fields.length} feature fields for ${features.instruments} instruments, generation ${features.commit.generation}`);
    });
}
