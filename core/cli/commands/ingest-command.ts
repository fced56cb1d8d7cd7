import type { Command } from 'commander';
import { registerRangeCommand } from './backfill-command.ts';

/** `quantmini ingest --dataset LIST --from D --to D`: landing into bronze. */
export function registerIngestCommand(program: Command): void {
  registerRangeCommand(program, 'ingest');
}
