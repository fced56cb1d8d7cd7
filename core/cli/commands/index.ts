import type { Command } from 'commander';
import { registerBackfillCommand } from './backfill-command.ts';
import { registerCalendarCommand } from './calendar-command.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerDownloadCommand } from './download-command.ts';
import { registerFeaturesCommand } from './features-command.ts';
import { registerGapsCommand } from './gaps-command.ts';
import { registerIngestCommand } from './ingest-command.ts';
import { registerQlibCommand } from './qlib-command.ts';
import { registerQueryCommand } from './query-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerScheduleCommand } from './schedule-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerStatusCommand } from './status-command.ts';
import { registerSystemCommand } from './system-command.ts';
import { registerUpdateCommand } from './update-command.ts';

/** Registers every subcommand; each lives in its own file under commands/. */
export function registerCommands(program: Command): void {
  registerConfigCommand(program);
  registerCalendarCommand(program);
  registerDownloadCommand(program);
  registerIngestCommand(program);
  registerBackfillCommand(program);
  registerStatusCommand(program);
  registerGapsCommand(program);
  registerQueryCommand(program);
  registerUpdateCommand(program);
  registerRunsCommand(program);
  registerSystemCommand(program);
  registerServeCommand(program);
  registerSimulateCommand(program);
  registerQlibCommand(program);
  registerScheduleCommand(program);
  registerFeaturesCommand(program);
}
