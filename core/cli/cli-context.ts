import type { Command } from 'commander';
import { effectiveSource, loadConfig, secretValues, type EffectiveSource, type LoadedConfig } from '../config/index.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { CliError } from './cli-errors.ts';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  dataRoot?: string;
  config?: string;
  profile?: string;
  source?: 'auto' | 'demo' | 'massive';
  json?: boolean;
  verbose?: boolean;
}

/** What a command needs from the environment: configuration, the chosen source, a logger, output mode. */
export interface CliContext {
  config: LoadedConfig;
  source: EffectiveSource;
  json: boolean;
  verbose: boolean;
  logger: Logger;
  /** Lake root for this run (the demo lake in demo mode). */
  dataRoot: string;
  /** Prints a value as JSON on stdout (the only thing stdout carries with --json). */
  printJson(value: unknown): void;
  /** Prints a human line on stdout (suppressed with --json). */
  print(line: string): void;
  /** Prints a notice on stderr (shown in both modes; never pollutes JSON on stdout). */
  notice(line: string): void;
}

/** The root program's options as seen from any subcommand. */
export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/**
 * Builds the context for a command. `withLake` opens file logging under the lake's logs/ and
 * announces demo mode, which every lake-touching command must do on every run.
 */
export function createCliContext(cmd: Command, { withLake = false } = {}): CliContext {
  const opts = globalOptions(cmd);
  if (opts.source && !['auto', 'demo', 'massive'].includes(opts.source)) {
    throw new CliError(`--source must be one of auto, demo, massive (got "${opts.source}")`, 2);
  }
  const config = loadConfig({ config: opts.config, profile: opts.profile, dataRoot: opts.dataRoot, source: opts.source });
  const source = effectiveSource(config);
  const json = Boolean(opts.json);
  const verbose = Boolean(opts.verbose);
  const logger = createLogger({
    level: verbose ? 'debug' : config.settings.logging.level,
    logsDir: withLake ? lakePaths(source.dataRoot).logsDir : undefined,
    secrets: secretValues(config.settings),
    console: verbose,
    name: 'cli',
  });
  const ctx: CliContext = {
    config,
    source,
    json,
    verbose,
    logger,
    dataRoot: source.dataRoot,
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, json ? 2 : 0)}\n`),
    print: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    notice: (line) => process.stderr.write(`${line}\n`),
  };
  if (withLake && source.kind === 'demo') ctx.notice(source.reason);
  return ctx;
}
