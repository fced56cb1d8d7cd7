/**
 * What the OS schedule starts. From the CLI (and the web host, which runs from the same checkout):
 * this Node and the CLI's `schedule run`, with the global options it was installed with. From the
 * packaged app: the app's own binary with `--scheduled-run`, because the app ships without a CLI
 * and with the RunAsNode fuse off, so its binary cannot run a script as Node.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScheduledCommand } from './unit-files.ts';

/** The flag that starts the Electron main process headless for one scheduled firing. */
export const SCHEDULED_RUN_FLAG = '--scheduled-run';

/** A scheduled command before the minute is chosen (install picks it from `--at`). */
export type ScheduledProgram = Omit<ScheduledCommand, 'minute'>;

/** Variables that choose the config, state and lake, passed on so the schedule runs against what was installed. */
export const PASSED_ENV = [
  'XDG_CONFIG_HOME',
  'XDG_STATE_HOME',
  'QUANTMINI_CONFIG',
  'QUANTMINI_PROFILE',
  'QUANTMINI_DATA_ROOT',
  'QUANTMINI_STATE_DIR',
] as const;

/** The passed-on variables that are set in `env`. */
export function passedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(PASSED_ENV.filter((k) => env[k]).map((k) => [k, env[k]!]));
}

const REPO_ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** The global options a host was started with (paths made absolute: the OS starts the command elsewhere). */
export interface CliScheduleFlags {
  config?: string | undefined;
  profile?: string | undefined;
  dataRoot?: string | undefined;
  source?: string | undefined;
}

/** `node bin/quantmini.js [global options] schedule run` from this checkout. */
export function cliScheduledProgram(
  flags: CliScheduleFlags,
  env: NodeJS.ProcessEnv = process.env,
  nodePath = process.execPath,
): ScheduledProgram {
  return {
    programArguments: [
      nodePath,
      path.join(REPO_ROOT, 'bin', 'quantmini.js'),
      ...(flags.config ? ['--config', path.resolve(flags.config)] : []),
      ...(flags.profile ? ['--profile', flags.profile] : []),
      ...(flags.dataRoot ? ['--data-root', path.resolve(flags.dataRoot)] : []),
      ...(flags.source ? ['--source', flags.source] : []),
      'schedule',
      'run',
    ],
    workingDirectory: REPO_ROOT,
    environment: passedEnvironment(env),
  };
}

/** Where the desktop app runs from. */
export interface AppLocation {
  /** process.execPath of the main process (…/QuantMini.app/Contents/MacOS/QuantMini when packaged). */
  execPath: string;
  /** app.getAppPath(): the asar when packaged, the checkout in development. */
  appPath: string;
  packaged: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * The app binary with `--scheduled-run`. An AppImage's binary lives in a mount that vanishes when it
 * exits, so the AppImage file itself (APPIMAGE) is what the timer starts; an unpackaged Electron
 * needs the app folder as its first argument.
 */
export function appScheduledProgram(loc: AppLocation): ScheduledProgram {
  const program = loc.packaged ? (loc.env.APPIMAGE ?? loc.execPath) : loc.execPath;
  return {
    programArguments: loc.packaged ? [program, SCHEDULED_RUN_FLAG] : [program, loc.appPath, SCHEDULED_RUN_FLAG],
    workingDirectory: path.dirname(program),
    environment: passedEnvironment(loc.env),
  };
}

/** The instant a firing decides as of: `--now=<ISO>` among the arguments (tests, replaying a missed day), else null. */
export function scheduledNowArgument(argv: readonly string[]): Date | null {
  const arg = argv.find((a) => a.startsWith('--now='));
  if (!arg) return null;
  const d = new Date(arg.slice('--now='.length));
  if (Number.isNaN(d.getTime())) throw new Error(`${arg}: not an ISO instant`);
  return d;
}
