import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { userLogDir } from '../config/config-paths.ts';
import { userStateDir } from '../config/state-dir.ts';
import { effectiveSource, loadConfig, secretValues, type EffectiveSource, type LoadedConfig } from '../config/index.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { assertLakeVolumePresent, LakeVolumeError } from '../storage/lake-volume-check.ts';
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

/** How a command uses the lake: not at all, reading only, or writing. */
export type LakeAccess = 'none' | 'read' | 'write';

/** Why the lake root cannot be written by this process, or null when it can (or does not exist yet). */
export function lakeNotWritable(root: string): string | null {
  let dir = root;
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'it is on a read-only volume' : code === 'EACCES' || code === 'EPERM' ? 'this user may not write to it' : (err as Error).message;
  }
}

/**
 * Builds the context for a command. A command that touches the lake logs under its logs/ (or the
 * user's own log folder when the lake cannot be written) and announces demo mode, which every
 * lake-touching command must do on every run; a command that writes is refused at once, in one
 * line, on a lake it cannot write.
 */
export function createCliContext(cmd: Command, { lake = 'none', withLake = lake !== 'none' }: { lake?: LakeAccess; withLake?: boolean } = {}): CliContext {
  const opts = globalOptions(cmd);
  if (opts.source && !['auto', 'demo', 'massive'].includes(opts.source)) {
    throw new CliError(`--source must be one of auto, demo, massive (got "${opts.source}")`, 2);
  }
  const config = loadConfig({ config: opts.config, profile: opts.profile, dataRoot: opts.dataRoot, source: opts.source });
  const source = effectiveSource(config);
  const json = Boolean(opts.json);
  const verbose = Boolean(opts.verbose);
  if (lake === 'write') {
    // Before anything (the log folder, the lock) could create the lake's folder on the boot disk.
    try {
      assertLakeVolumePresent(userStateDir(), source.dataRoot);
    } catch (err) {
      if (err instanceof LakeVolumeError) throw new CliError(`cannot write to the lake: ${err.message}`);
      throw err;
    }
    const why = lakeNotWritable(source.dataRoot);
    if (why) throw new CliError(`cannot write to the lake ${source.dataRoot}: ${why} (reading commands such as status, gaps and query still work)`);
  }
  const logger = createLogger({
    level: verbose ? 'debug' : config.settings.logging.level,
    logsDir: withLake ? [lakePaths(source.dataRoot).logsDir, userLogDir()] : undefined,
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
