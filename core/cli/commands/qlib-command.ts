import type { Command } from 'commander';
import { registerQlibCheckCommand } from './qlib-check-command.ts';
import { registerQlibDumpCommand } from './qlib-dump-command.ts';

/**
 * `quantmini qlib ...`: Microsoft Qlib's binary format. Subcommands live in qlib-*-command.ts and
 * each exports register<Name>(qlib: Command).
 */
export function registerQlibCommand(program: Command): void {
  const qlib = program.command('qlib').description("Microsoft Qlib's binary data format: write it from CSVs, check its health");
  registerQlibDumpCommand(qlib);
  registerQlibCheckCommand(qlib);
  // `qlib features` (qlib-features-command.ts, registerQlibFeaturesCommand(qlib)) is wired here at merge.
}
