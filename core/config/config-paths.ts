import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the shipped defaults file. */
export function defaultConfigPath(): string {
  return fileURLToPath(new URL('../../config/default.yaml', import.meta.url));
}

/** Where the user's config file lives on this OS (QUANTMINI_CONFIG or --config override it). */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = env.HOME ?? os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'QuantMini', 'config.yaml');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'QuantMini', 'config.yaml');
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(xdg, 'quantmini', 'config.yaml');
}

/**
 * The user's own log folder, used when the lake's logs/ cannot be written (a lake on a read-only
 * volume, or one this user may only read): ~/Library/Logs/QuantMini on macOS,
 * $XDG_STATE_HOME/quantmini/logs (default ~/.local/state/quantmini/logs) elsewhere.
 */
export function userLogDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = env.HOME ?? os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Logs', 'QuantMini');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'QuantMini', 'logs');
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  return path.join(xdg, 'quantmini', 'logs');
}

/** Expands a leading "~" to the home folder and resolves to an absolute path. */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  if (p === '~' || p.startsWith('~/')) return path.join(env.HOME ?? os.homedir(), p.slice(1));
  return path.resolve(p);
}
