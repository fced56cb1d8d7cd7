import type { Command } from 'commander';
import type { Layer } from '../../vocabulary/layers.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';
import { runEngineCommand } from '../engine-run.ts';
import { datasetIdsHelp, parseDatasetList } from './dataset-options.ts';

/** What each range command builds. */
type RangeMode = 'download' | 'ingest' | 'backfill';

interface RangeOpts {
  dataset: string[];
  from: string;
  to: string;
  concurrency?: number;
  force?: boolean;
  dryRun?: boolean;
}

const MODES: Record<RangeMode, { description: string; layers?: Layer[]; withInputs: boolean }> = {
  download: { description: 'fetch flat files from S3 into landing (skips files already there, intact, with the same ETag and size)', layers: ['landing'], withInputs: false },
  ingest: { description: 'validate landing files into bronze Parquet (rejected rows go to bronze/_rejects); downloads nothing', layers: ['bronze'], withInputs: false },
  backfill: { description: 'bring every partition of the datasets in the range up to date: whatever is missing, failed or stale, and what it is built from', withInputs: true },
};

async function runRange(mode: RangeMode, opts: RangeOpts, cmd: Command): Promise<void> {
  if (opts.from > opts.to) throw new CliError(`--from ${opts.from} is after --to ${opts.to}`, 2);
  const m = MODES[mode];
  const datasets = parseDatasetList(opts.dataset, '--dataset', m.layers ? { layer: m.layers[0]! } : {});
  const ctx = createCliContext(cmd, { lake: opts.dryRun ? 'none' : 'write' });
  if (opts.dryRun && ctx.source.kind === 'demo') ctx.notice(ctx.source.reason);
  await runEngineCommand(ctx, {
    target: { kind: 'range', datasets, from: opts.from, to: opts.to, ...(m.layers ? { layers: m.layers } : {}) },
    withInputs: m.withInputs,
    ...(opts.force ? { force: true } : {}),
    ...(opts.concurrency ? { maxParallel: opts.concurrency } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
  });
}

/** Adds `download`, `ingest` or `backfill`: one engine, one lock and one journal for all three. */
export function registerRangeCommand(program: Command, mode: RangeMode): void {
  const m = MODES[mode];
  program
    .command(mode)
    .description(m.description)
    .requiredOption('--dataset <list>', `comma-separated datasets: ${datasetIdsHelp(m.layers ? { layer: m.layers[0]! } : {})}`, parseList)
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--to <date>', 'last date (YYYY-MM-DD)', parseIsoDate)
    .option('--concurrency <n>', 'at most N jobs at once', parsePositiveInt)
    .option('--force', 'rebuild the partitions even when they are up to date')
    .option('--dry-run', 'print the plan; write nothing')
    .action((opts: RangeOpts, c: Command) => runRange(mode, opts, c));
}

/** `quantmini backfill --dataset LIST --from D --to D`. */
export function registerBackfillCommand(program: Command): void {
  registerRangeCommand(program, 'backfill');
}
