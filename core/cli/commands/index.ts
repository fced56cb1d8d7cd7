import type { Command } from 'commander';
import { registerCalendarCommand } from './calendar-command.ts';
import { registerConfigCommand } from './config-command.ts';

/** Registers every subcommand; each lives in its own file under commands/. */
export function registerCommands(program: Command): void {
  registerConfigCommand(program);
  registerCalendarCommand(program);
}
