import type { Command } from 'commander';
import { registerRangeCommand } from './backfill-command.ts';

/** `quantmini download --dataset LIST --from D --to D`: S3 into landing. */
export function registerDownloadCommand(program: Command): void {
  registerRangeCommand(program, 'download');
}
