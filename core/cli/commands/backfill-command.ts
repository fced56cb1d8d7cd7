import type { Command } from 'commander';
import { parseFlatFileDatasetIds, type FlatFileDatasetId } from '../../datasets/index.ts';
import { sweepOrphanedTemp } from '../../files/atomic-write.ts';
import { runFlatFiles, type FlatFileRunMode, type FlatFileRunSummary } from '../../layers/bronze/flat-file-pipeline.ts';
import { flatFileRunSettings } from '../../layers/bronze/run-settings.ts';
import type { DownloadDayResult } from '../../sources/polygon/flat-file-downloader.ts';
import { openFlatFileSource, type FlatFileSource } from '../../sources/polygon/flat-file-source.ts';
import { destroySharedS3Clients } from '../../sources/polygon/s3-client.ts';
import type { IngestDayResult } from '../../layers/bronze/flat-file-ingestor.ts';
import { createCliContext, type CliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';
import { createProgressDisplay, formatBytes } from '../progress-display.ts';

interface RunOpts {
  dataset: string[];
  from: string;
  to: string;
  concurrency?: number;
}

const DESCRIPTIONS: Record<FlatFileRunMode, string> = {
  download: 'fetch flat files from S3 into landing (skips files already there with the same ETag and size)',
  ingest: 'validate landing files into bronze Parquet (rejected rows go to bronze/_rejects)',
  backfill: 'download and ingest every trading day whose bronze partition is not complete',
};

function resultLine(dataset: string, date: string, step: string, res: DownloadDayResult | IngestDayResult): string {
  const head = `${dataset} ${date} ${step.padEnd(8)} ${res.state}`;
  if (step === 'download') {
    const d = res as DownloadDayResult;
    if (d.state === 'complete' || d.state === 'skipped') return `${head} ${formatBytes(d.bytes)}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}`;
    return `${head}: ${d.error ?? ''}`;
  }
  const i = res as IngestDayResult;
  if (i.state === 'complete' || i.state === 'degraded') return `${head} ${i.rows.toLocaleString('en-US')} rows${i.rejects ? `, ${i.rejects} rejected` : ''}`;
  return `${head}: ${i.error ?? ''}`;
}

/** One line that says what a run did. */
export function summaryLine(s: FlatFileRunSummary, datasets: readonly string[]): string {
  const fmt = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  const parts = [`${s.mode} ${datasets.join(',')} ${s.from}..${s.to}: ${s.days.length} day${s.days.length === 1 ? '' : 's'}`];
  if (s.mode !== 'ingest') parts.push(`downloads ${fmt(s.downloads)}`);
  if (s.mode !== 'download') parts.push(`ingests ${fmt(s.ingests)}`);
  parts.push(`${formatBytes(s.bytesDownloaded)} downloaded, ${s.rowsWritten.toLocaleString('en-US')} rows written${s.rejects ? ` (${s.rejects} rejected)` : ''}`);
  parts.push(`${(s.elapsedMs / 1000).toFixed(1)} s`);
  return parts.join('; ');
}

async function runCommand(mode: FlatFileRunMode, opts: RunOpts, cmd: Command): Promise<void> {
  if (opts.from > opts.to) throw new CliError(`--from ${opts.from} is after --to ${opts.to}`);
  let datasets: FlatFileDatasetId[];
  try {
    datasets = parseFlatFileDatasetIds(opts.dataset);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  if (datasets.length === 0) throw new CliError('--dataset needs at least one dataset', 2);
  const ctx: CliContext = createCliContext(cmd, { lake: 'write' });
  const settings = ctx.config.settings;
  const run = flatFileRunSettings(settings);
  if (opts.concurrency) run.concurrency.downloads = opts.concurrency;
  await sweepOrphanedTemp(ctx.dataRoot);
  const ac = new AbortController();
  const onSigint = () => {
    ctx.notice('interrupted: stopping after the running steps are cancelled');
    ac.abort(new Error('interrupted'));
  };
  process.once('SIGINT', onSigint);
  let source: FlatFileSource | null = null;
  const display = createProgressDisplay({
    interactive: Boolean(process.stderr.isTTY) && !ctx.json,
    title: `${mode} ${datasets.join(',')}`,
    printLine: (line) => ctx.print(line),
  });
  try {
    if (mode !== 'ingest') {
      try {
        source = await openFlatFileSource({ settings, source: ctx.source });
      } catch (err) {
        throw new CliError(`cannot open the flat-file source: ${(err as Error).message}`);
      }
    }
    const summary = await runFlatFiles({
      mode,
      lakeRoot: ctx.dataRoot,
      datasets,
      from: opts.from,
      to: opts.to,
      ...(source ? { access: source.access } : {}),
      ...run,
      ...(ctx.source.kind === 'demo' ? { historyStart: settings.demo.historyStart } : {}),
      signal: ac.signal,
      logger: ctx.logger,
      observer: {
        planned: (days) => display.setTotal(mode === 'backfill' ? days.length * 2 : days.length),
        stepStarted: (s) => display.start(s.id, `${s.dataset} ${s.date} ${s.step}`),
        stepProgress: (s, p) => display.update(s.id, p),
        stepFinished: (s, res) => display.finish(s.id, resultLine(s.dataset, s.date, s.step, res)),
      },
    });
    display.stop();
    const line = summaryLine(summary, datasets);
    if (ctx.json) {
      ctx.printJson(summary);
      ctx.notice(line);
    } else {
      ctx.print(line);
      for (const f of summary.failures.slice(0, 20)) ctx.print(`  ${f.step} ${f.state}: ${f.error}`);
      if (summary.failures.length > 20) ctx.print(`  ... and ${summary.failures.length - 20} more (see --json)`);
    }
    // An ingest with nothing to ingest failed at what it was asked to do; a download that is only
    // not published yet (pending) or not in the plan (not_entitled) is an answer, not a failure.
    if (summary.failures.some((f) => f.state === 'failed' || (f.step === 'ingest' && f.state === 'missing'))) process.exitCode = 1;
  } finally {
    display.stop();
    process.off('SIGINT', onSigint);
    destroySharedS3Clients();
    await source?.close();
  }
}

/** Adds `download`, `ingest` or `backfill` (they share options and output). */
export function registerFlatFileRunCommand(program: Command, mode: FlatFileRunMode): void {
  const c = program
    .command(mode)
    .description(DESCRIPTIONS[mode])
    .requiredOption('--dataset <list>', 'comma-separated datasets: stocks_daily,stocks_minute,options_daily,options_minute', parseList)
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--to <date>', 'last date (YYYY-MM-DD)', parseIsoDate);
  if (mode !== 'ingest') c.option('--concurrency <n>', 'parallel downloads (default: concurrency.downloads)', parsePositiveInt);
  c.action((opts: RunOpts, cmd: Command) => runCommand(mode, opts, cmd));
}

/** `quantmini backfill --dataset LIST --from D --to D`. */
export function registerBackfillCommand(program: Command): void {
  registerFlatFileRunCommand(program, 'backfill');
}
