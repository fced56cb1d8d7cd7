import type { Command } from 'commander';
import { registerQlibFeaturesCommand } from './qlib-features-command.ts';

/** `quantmini qlib ...`: commands that work on Qlib data directories. */
export function registerQlibCommand(program: Command): void {
  const qlib = program.command('qlib').description('work with Microsoft Qlib data directories');
  registerQlibFeaturesCommand(qlib);
}
