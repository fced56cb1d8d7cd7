import path from 'node:path';
import { userConfigPath } from './config-paths.ts';

/**
 * QuantMini's own state (known lakes, scheduled runs): beside the user config file, in the user
 * config folder (~/Library/Application Support/QuantMini on macOS, $XDG_CONFIG_HOME/quantmini on
 * Linux). QUANTMINI_STATE_DIR overrides it. Never inside a lake: the state must outlive a lake
 * whose drive is unplugged, which is exactly when it is needed.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.QUANTMINI_STATE_DIR && path.isAbsolute(env.QUANTMINI_STATE_DIR)) return env.QUANTMINI_STATE_DIR;
  return path.join(path.dirname(userConfigPath(env, platform)), 'state');
}
