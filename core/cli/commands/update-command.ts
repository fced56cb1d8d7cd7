import type { Command } from 'commander';
import { scrubText, secretValues } from '../../config/index.ts';
import { isFlatFileDatasetId } from '../../datasets/index.ts';
import { LakeLockedError } from '../../runtime/lake-lock.ts';
import { createNodeProcessLauncher, nodeJobWorkerEntry } from '../../process/node-process-launcher.ts';
import { describeJobOutcome, formatBytes, formatDuration } from '../../runtime/run-format.ts';
import type { UpdateOutcome, UpdateRequest } from '../../runtime/run-update.ts';
import type { RunSummary } from '../../runtime/supervisor-events.ts';
import { createTerminalProgress } from '../../runtime/terminal-progress.ts';
import type { UpdatePlan } from '../../runtime/update-plan.ts';
import { createCliContext, type CliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';

/** The command's options map one to one onto a date-range request. */
type UpdateOptions = Omit<UpdateRequest, 'cells'>;

/** Exit code when another updater holds the lake: EX_TEMPFAIL, "try again later" for cron. */
export const EXIT_LAKE_LOCKED = 75;

function printPlan(ctx: CliContext, plan: UpdatePlan, c: UpdateOutcome['concurrency'], dryRun: boolean): void {
  const t = plan.totals;
  ctx.print(`${dryRun ? 'Plan (dry run, nothing is written)' : 'Plan'}: ${plan.datasets.length} dataset(s) x ${plan.dates.length} trading day(s), ${plan.dates[0]}${plan.dates.length > 1 ? ` .. ${plan.dates[plan.dates.length - 1]}` : ''}`);
  ctx.print(`  ${t.downloads} download(s), ${t.ingests} ingest(s), about ${formatBytes(t.estimatedDownloadBytes)} to download; ${t.upToDate} partition(s) already complete`);
  ctx.print(`  concurrency: ${c.downloads} download(s), ${c.ingestWorkers} ingest worker(s), at most ${c.maxParallel} job(s) at once; DuckDB ${c.duckdbThreads} thread(s), ${c.duckdbMemoryLimit} per worker`);
  if (!dryRun) return;
  for (const i of plan.items) {
    const steps = [
      i.download.needed ? `download ~${formatBytes(i.download.estimatedBytes)}${i.download.estimate === 'typical' ? ' (typical size)' : i.download.estimate === 'unpublished' ? ' (not published upstream yet)' : ''}` : '',
      i.ingest.needed ? 'ingest' : '',
    ].filter(Boolean);
    const why = [i.download.reason, i.ingest.reason].filter(Boolean).join('; ');
    ctx.print(`  ${i.date}  ${i.dataset.padEnd(14)}  ${(steps.join(' -> ') || 'up to date').padEnd(34)}  ${why}`);
  }
}

function printSummary(ctx: CliContext, s: RunSummary): void {
  const counts = Object.entries(s.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  ctx.print('');
  ctx.print(`Run ${s.runId} ${s.state} in ${formatDuration(s.durationMs)}: ${s.jobs.length} job(s)${counts ? ` (${counts})` : ''}, ${formatBytes(s.bytesDownloaded)} downloaded`);
  // After a cancelled run every unfinished job says "cancelled": the counts line says it once.
  const quiet = s.state === 'cancelled' ? ['complete', 'degraded', 'skipped', 'cancelled'] : ['complete', 'degraded', 'skipped'];
  const bad = s.jobs.filter((j) => !quiet.includes(j.state));
  for (const j of bad) ctx.print(`  ${describeJobOutcome(j)}`);
  if (s.jobs.length === 0) ctx.print('  everything was already up to date');
  if (s.error) ctx.print(`  stopped: ${s.error}`);
  ctx.print(`  journal: ${s.journal}   (details: quantmini runs show ${s.runId})`);
}

/** `quantmini update`: download and ingest the latest trading day(s) for every enabled dataset. */
export function registerUpdateCommand(program: Command): void {
  program
    .command('update')
    .description('download and ingest the latest published trading day(s) for every enabled dataset')
    .option('--date <date>', 'last trading day to update (default: the latest one whose files are published)', parseIsoDate)
    .option('--days-back <n>', 'update the N most recent trading days ending at --date', parsePositiveInt)
    .option('--max-parallel <n>', 'at most N jobs at once (default: downloads + ingest workers)', parsePositiveInt)
    .option('--datasets <ids>', 'comma-separated dataset ids (default: datasets.enabled)', parseList)
    .option('--skip-landing', 'do not download; ingest only what landing already holds')
    .option('--skip-bronze', 'download only; do not ingest into bronze')
    .option('--dry-run', 'print the plan and the estimated bytes to download; write nothing')
    .action(async (opts: UpdateOptions, cmd: Command) => {
      if (opts.skipLanding && opts.skipBronze) throw new CliError('--skip-landing and --skip-bronze together leave nothing to do', 2);
      for (const d of opts.datasets ?? []) if (!isFlatFileDatasetId(d)) throw new CliError(`unknown dataset "${d}" in --datasets`, 2);
      // A dry run must not even create the lake's log folder, so it logs nowhere but stderr.
      const ctx = createCliContext(cmd, { lake: opts.dryRun ? 'none' : 'write' });
      if (opts.dryRun && ctx.source.kind === 'demo') ctx.notice(ctx.source.reason);
      const secrets = secretValues(ctx.config.settings);
      const command = scrubText(['quantmini', ...process.argv.slice(2)].join(' '), secrets);

      const abort = new AbortController();
      let interrupts = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        interrupts += 1;
        if (interrupts === 1 && !opts.dryRun) {
          ctx.notice(`\n${sig}: cancelling the run (running jobs get 5 s to stop); press Ctrl-C again to quit at once`);
          abort.abort();
        } else {
          // The lock is released by its exit hook; job processes exit when their IPC channel closes.
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      // Loaded here, not at the top: it pulls in the S3 client and the simulator, which every other
      // command (and --help) would otherwise pay for at start-up.
      const { runUpdate } = await import('../../runtime/run-update.ts');
      const display = !ctx.json && !opts.dryRun ? createTerminalProgress(process.stderr) : null;
      let outcome: UpdateOutcome;
      try {
        outcome = await runUpdate(
          {
            settings: ctx.config.settings,
            source: ctx.source,
            launcher: createNodeProcessLauncher(),
            workerEntry: nodeJobWorkerEntry(),
            command,
            logger: ctx.logger,
            signal: abort.signal,
            ...(display ? { onEvent: display.listener } : {}),
            onPlan: (plan, c) => printPlan(ctx, plan, c, Boolean(opts.dryRun)),
          },
          {
            ...(opts.date ? { date: opts.date } : {}),
            ...(opts.daysBack ? { daysBack: opts.daysBack } : {}),
            ...(opts.maxParallel ? { maxParallel: opts.maxParallel } : {}),
            ...(opts.datasets ? { datasets: opts.datasets } : {}),
            ...(opts.skipLanding ? { skipLanding: true } : {}),
            ...(opts.skipBronze ? { skipBronze: true } : {}),
            ...(opts.dryRun ? { dryRun: true } : {}),
          },
        );
      } catch (err) {
        if (err instanceof LakeLockedError) throw new CliError(err.message, EXIT_LAKE_LOCKED);
        if (err instanceof RangeError) throw new CliError(err.message, 2);
        throw err;
      } finally {
        display?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }

      const s = outcome.summary;
      if (ctx.json) ctx.printJson(s ? { dryRun: false, summary: s } : { dryRun: true, plan: outcome.plan, concurrency: outcome.concurrency });
      else if (s) printSummary(ctx, s);
      if (!s || s.state === 'complete') return;
      const code = s.state === 'cancelled' ? 130 : 1;
      if (ctx.json) {
        // The JSON summary already says what failed; a CliError would add a second JSON document.
        process.exitCode = code;
        return;
      }
      const failed = s.counts.failed ?? 0;
      if (s.state === 'cancelled') throw new CliError(`run ${s.runId} was cancelled`, code);
      throw new CliError(s.error ? `run ${s.runId} stopped: ${s.error}` : `${failed} job(s) failed in run ${s.runId}`, code);
    });
}
