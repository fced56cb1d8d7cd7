/**
 * Runs an engine request for a CLI command (update, backfill, download, ingest): one lake lock,
 * one journal, a process per job, the same live display, plan print-out, summary and exit codes
 * for all of them. Exit 1 when a job failed or found nothing to work on, 75 when another writer
 * holds the lake, 130 when cancelled.
 */
import { scrubText, secretValues } from '../config/index.ts';
import { userStateDir } from '../config/state-dir.ts';
import { createNodeProcessLauncher } from '../process/node-process-launcher.ts';
import { LakeLockedError } from '../runtime/lake-lock.ts';
import type { EngineConcurrency, EngineOutcome, EngineRequest } from '../runtime/run-engine.ts';
import type { EnginePlan } from '../runtime/planner.ts';
import type { RunSummary } from '../runtime/supervisor-events.ts';
import { assertRoomFor, checkAndRememberLake, LakeVolumeError } from '../storage/lake-volume-check.ts';
import type { CliContext } from './cli-context.ts';
import { CliError } from './cli-errors.ts';
import { describeJobOutcome, formatBytes, formatDuration } from './run-format.ts';
import { createTerminalProgress } from './terminal-progress.ts';

/** Exit code when another writer holds the lake: EX_TEMPFAIL, "try again later" for cron. */
export const EXIT_LAKE_LOCKED = 75;

/** Prints a plan: totals always; every job too for a dry run. */
export function printPlan(ctx: CliContext, plan: EnginePlan, c: EngineConcurrency, dryRun: boolean): void {
  const t = plan.totals;
  const dates = [...new Set(plan.items.map((i) => i.date))].sort();
  const datasets = [...new Set(plan.items.map((i) => i.dataset))];
  const kinds = Object.entries(t.byKind).map(([k, n]) => `${n} ${k}`).join(', ') || 'no jobs';
  ctx.print(`${dryRun ? 'Plan (dry run, nothing is written)' : 'Plan'}: ${datasets.length} dataset(s), ${dates.length} day(s)${dates.length ? `, ${dates[0]}${dates.length > 1 ? ` .. ${dates[dates.length - 1]}` : ''}` : ''}`);
  ctx.print(`  ${kinds}; about ${formatBytes(t.estimatedBytes)} to fetch; ${t.upToDate} partition(s) already up to date`);
  ctx.print(`  concurrency: ${c.downloads} fetch slot(s), ${c.ingestWorkers} build worker(s), at most ${c.maxParallel} job(s) at once; DuckDB ${c.duckdbThreads} thread(s), ${c.duckdbMemoryLimit} per worker`);
  if (!dryRun) return;
  for (const j of plan.jobs) {
    const size = j.estimatedBytes ? ` ~${formatBytes(j.estimatedBytes)}${j.estimate === 'typical' ? ' (typical size)' : ''}` : j.estimate === 'unpublished' ? ' (not published upstream yet)' : '';
    const deps = j.dependsOn.length ? `  after ${j.dependsOn.join(', ')}` : '';
    ctx.print(`  ${j.id}${size}  ${j.reason}${deps}`);
  }
}

/** Prints a run's summary and the jobs that did not end well. */
export function printSummary(ctx: CliContext, s: RunSummary): void {
  const counts = Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ');
  ctx.print('');
  ctx.print(`Run ${s.runId} ${s.state} in ${formatDuration(s.durationMs)}: ${s.jobs.length} job(s)${counts ? ` (${counts})` : ''}, ${formatBytes(s.bytesDownloaded)} fetched`);
  // After a cancelled run every unfinished job says "cancelled": the counts line says it once.
  const quiet = s.state === 'cancelled' ? ['complete', 'degraded', 'skipped', 'cancelled'] : ['complete', 'degraded', 'skipped'];
  for (const j of s.jobs.filter((x) => !quiet.includes(x.state))) ctx.print(`  ${describeJobOutcome(j)}`);
  if (s.jobs.length === 0) ctx.print('  everything was already up to date');
  if (s.error) ctx.print(`  stopped: ${s.error}`);
  ctx.print(`  journal: ${s.journal}   (details: quantmini runs show ${s.runId})`);
}

/** Runs `req` for a command; throws a CliError with the right exit code when the run did not succeed. */
export async function runEngineCommand(ctx: CliContext, req: EngineRequest): Promise<EngineOutcome> {
  const secrets = secretValues(ctx.config.settings);
  const command = scrubText(['quantmini', ...process.argv.slice(2)].join(' '), secrets);
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1 && !req.dryRun) {
      ctx.notice(`\n${sig}: cancelling the run (running jobs get 5 s to stop); press Ctrl-C again to quit at once`);
      abort.abort();
    } else {
      // The lock is released by its exit hook; job processes exit when their IPC channel closes.
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Loaded here, not at the top: the engine pulls in the S3 client and the simulator, which every
  // other command (and --help) would otherwise pay for at start-up.
  const { runEngine } = await import('../runtime/run-engine.ts');
  const display = !ctx.json && !req.dryRun ? createTerminalProgress(process.stderr) : null;
  let outcome: EngineOutcome;
  try {
    if (!req.dryRun) await checkAndRememberLake(userStateDir(), ctx.dataRoot);
    outcome = await runEngine(
      {
        settings: ctx.config.settings,
        source: ctx.source,
        launcher: createNodeProcessLauncher(),
        command,
        logger: ctx.logger,
        signal: abort.signal,
        ...(display ? { onEvent: display.listener } : {}),
        onPlan: (plan, c) => {
          printPlan(ctx, plan, c, Boolean(req.dryRun));
          // Before any job starts: room for what the plan downloads, plus the configured margin.
          if (!req.dryRun) assertRoomFor(ctx.dataRoot, plan.totals.estimatedBytes, ctx.config.settings.storage.marginGiB * 1024 ** 3);
        },
      },
      req,
    );
  } catch (err) {
    if (err instanceof LakeLockedError) throw new CliError(err.message, EXIT_LAKE_LOCKED);
    if (err instanceof LakeVolumeError) throw new CliError(`run refused: ${err.message}`);
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
  if (!s) return outcome;
  // A job that found nothing to work on ("no landing file to ingest") failed at what it was asked.
  const missing = s.counts.missing ?? 0;
  if (s.state === 'complete' && missing === 0) return outcome;
  const code = s.state === 'cancelled' ? 130 : 1;
  if (ctx.json) {
    // The JSON summary already says what failed; a CliError would add a second JSON document.
    process.exitCode = code;
    return outcome;
  }
  if (s.state === 'cancelled') throw new CliError(`run ${s.runId} was cancelled`, code);
  if (s.error) throw new CliError(`run ${s.runId} stopped: ${s.error}`, code);
  const failed = s.counts.failed ?? 0;
  throw new CliError(`${failed ? `${failed} job(s) failed` : ''}${failed && missing ? ', ' : ''}${missing ? `${missing} job(s) found nothing to work on` : ''} in run ${s.runId}`, code);
}
