import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/index.ts';
import { CliError } from './cli-errors.ts';
import { registerCommands } from './commands/index.ts';
import { packageVersion } from '../config/package-version.ts';

/** Builds the `quantmini` program with its global options and the commands `argv` may run (see registerCommands). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('quantmini')
    .description('Keep a local Polygon/Massive market-data lake up to date.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--data-root <dir>', 'lake root folder (overrides config and QUANTMINI_DATA_ROOT)')
    .option('--config <file>', 'user config file (overrides QUANTMINI_CONFIG)')
    .option('--profile <name>', 'named profile from the config files (overrides QUANTMINI_PROFILE)')
    .addOption(new Option('--source <source>', 'where flat files come from').choices(['auto', 'demo', 'massive']))
    .option('--json', 'print machine-readable JSON on stdout and nothing else')
    .option('--verbose', 'log details to stderr and show stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/** Runs the CLI; every failure becomes one clear line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    // A command may finish normally yet report failure (e.g. --json output of a failed run).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version also arrive here, with exit code 0.
      return err.exitCode;
    }
    const known = err instanceof CliError || err instanceof ConfigError;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`quantmini: error: ${message}\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else if (!known) process.stderr.write('(run with --verbose for details)\n');
    if (json) process.stdout.write(`${JSON.stringify({ error: { message } })}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
