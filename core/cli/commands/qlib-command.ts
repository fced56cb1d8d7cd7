import type { Command } from 'commander';
import { registerQlibCheckCommand } from './qlib-check-command.ts';
import { registerQlibDumpCommand } from './qlib-dump-command.ts';
import { registerQlibFeaturesCommand } from './qlib-features-command.ts';

/**
 * `quantmini qlib ...`: Microsoft Qlib's binary format: write it from CSVs, check its health,
 * compute feature sets over it. Each subcommand lives in qlib-*-command.ts.
 */
export function registerQlibCommand(program: Command): void {
  const qlib = program.command('qlib').description("Microsoft Qlib's binary data: write it from CSVs, check its health, compute features");
  registerQlibDumpCommand(qlib);
  registerQlibCheckCommand(qlib);
  registerQlibFeaturesCommand(qlib);
}
