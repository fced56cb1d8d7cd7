import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every subcommand's module, in help order. Each is imported only when needed: a command's module
 * pulls in what its action uses (DuckDB, the AWS SDK, the web host), and a CLI start should pay
 * for the one command it runs, not for all of them.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['config', async () => (await import('./config-command.ts')).registerConfigCommand],
  ['calendar', async () => (await import('./calendar-command.ts')).registerCalendarCommand],
  ['download', async () => (await import('./download-command.ts')).registerDownloadCommand],
  ['ingest', async () => (await import('./ingest-command.ts')).registerIngestCommand],
  ['backfill', async () => (await import('./backfill-command.ts')).registerBackfillCommand],
  ['status', async () => (await import('./status-command.ts')).registerStatusCommand],
  ['gaps', async () => (await import('./gaps-command.ts')).registerGapsCommand],
  ['query', async () => (await import('./query-command.ts')).registerQueryCommand],
  ['update', async () => (await import('./update-command.ts')).registerUpdateCommand],
  ['runs', async () => (await import('./runs-command.ts')).registerRunsCommand],
  ['system', async () => (await import('./system-command.ts')).registerSystemCommand],
  ['serve', async () => (await import('./serve-command.ts')).registerServeCommand],
  ['simulate', async () => (await import('./simulate-command.ts')).registerSimulateCommand],
  ['qlib', async () => (await import('./qlib-command.ts')).registerQlibCommand],
  ['schedule', async () => (await import('./schedule-command.ts')).registerScheduleCommand],
  ['features', async () => (await import('./features-command.ts')).registerFeaturesCommand],
];

/** Global options that take a value as the next argument (see program.ts): their value is not a command name. */
const VALUE_OPTIONS = new Set(['--data-root', '--config', '--profile', '--source']);

/** The first argument that names a command (global options and their values skipped), or null. */
export function commandWordOf(argv: readonly string[]): string | null {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return null;
    if (!arg.startsWith('-')) return arg;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return null;
}

/**
 * Registers the subcommand `argv` runs, loading only its module; every subcommand when argv names
 * none or an unknown one (help and "did you mean" need them all); none for a bare `--version`.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const word = commandWordOf(argv);
  const named = COMMANDS.find(([name]) => name === word);
  if (named) {
    (await named[1]())(program);
    return;
  }
  if (word === null && (argv.includes('-V') || argv.includes('--version'))) return;
  const registers = await Promise.all(COMMANDS.map(([, load]) => load()));
  for (const register of registers) register(program);
}
