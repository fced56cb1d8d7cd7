import type { Command } from 'commander';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';
import { runEngineCommand } from '../engine-run.ts';
import { parseDatasetList } from './dataset-options.ts';

export { EXIT_LAKE_LOCKED } from '../engine-run.ts';

interface UpdateOptions {
  date?: string;
  daysBack?: number;
  maxParallel?: number;
  datasets?: string[];
  skipLanding?: boolean;
  skipBronze?: boolean;
  dryRun?: boolean;
}

/** `quantmini update`: bring the latest published trading day(s) of every enabled dataset up to date. */
export function registerUpdateCommand(program: Command): void {
  program
    .command('update')
    .description('bring the latest published trading day(s) of every enabled dataset up to date, every layer, plus REST correction windows')
    .option('--date <date>', 'last trading day to update (default: the latest one whose files are published)', parseIsoDate)
    .option('--days-back <n>', 'update the N most recent trading days ending at --date', parsePositiveInt)
    .option('--max-parallel <n>', 'at most N jobs at once (default: fetch slots + build workers)', parsePositiveInt)
    .option('--datasets <ids>', 'comma-separated dataset ids (default: datasets.enabled)', parseList)
    .option('--skip-landing', 'do not download; build only from what landing already holds')
    .option('--skip-bronze', 'download only; do not build bronze')
    .option('--dry-run', 'print the plan and the estimated bytes to fetch; write nothing')
    .action(async (opts: UpdateOptions, cmd: Command) => {
      if (opts.skipLanding && opts.skipBronze) throw new CliError('--skip-landing and --skip-bronze together leave nothing to do', 2);
      const datasets = opts.datasets ? parseDatasetList(opts.datasets, '--datasets') : undefined;
      // A dry run must not even create the lake's log folder, so it logs nowhere but stderr.
      const ctx = createCliContext(cmd, { lake: opts.dryRun ? 'none' : 'write' });
      if (opts.dryRun && ctx.source.kind === 'demo') ctx.notice(ctx.source.reason);
      const skipLayers = [...(opts.skipLanding ? (['landing'] as const) : []), ...(opts.skipBronze ? (['bronze'] as const) : [])];
      await runEngineCommand(ctx, {
        target: { kind: 'update', ...(opts.date ? { date: opts.date } : {}), ...(opts.daysBack ? { daysBack: opts.daysBack } : {}), ...(datasets ? { datasets } : {}) },
        ...(skipLayers.length ? { skipLayers } : {}),
        ...(opts.maxParallel ? { maxParallel: opts.maxParallel } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
      });
    });
}
