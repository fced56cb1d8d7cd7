import fs from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { settingsSchema, type Settings } from './config-schema.ts';
import { defaultConfigPath, expandHome, userConfigPath } from './config-paths.ts';

/** Where one effective value came from, e.g. "default", "user file /x/config.yaml", "env MASSIVE_API_KEY". */
export type ValueSource = string;

/** Command-line flags that override configuration. */
export interface ConfigFlags {
  config?: string | undefined;
  profile?: string | undefined;
  dataRoot?: string | undefined;
  source?: 'auto' | 'demo' | 'massive' | undefined;
}

/** The effective configuration plus provenance for every leaf key. */
export interface LoadedConfig {
  settings: Settings;
  /** Dotted key -> where its value came from. */
  sources: Record<string, ValueSource>;
  profile: string | null;
  userFile: string;
  userFileExists: boolean;
}

/** A configuration problem reported as one line naming the key, the file and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges `layer` into `target`, recording the source of every leaf it sets. */
function overlay(target: Tree, layer: Tree, source: ValueSource, sources: Record<string, ValueSource>, prefix = ''): void {
  for (const [key, value] of Object.entries(layer)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    const current = target[key];
    if (isTree(value) && isTree(current)) {
      overlay(current, value, source, sources, dotted);
    } else {
      target[key] = isTree(value) ? structuredClone(value) : value;
      markLeaves(value, dotted, source, sources);
    }
  }
}

function markLeaves(value: unknown, dotted: string, source: ValueSource, sources: Record<string, ValueSource>): void {
  if (isTree(value)) {
    for (const [k, v] of Object.entries(value)) markLeaves(v, `${dotted}.${k}`, source, sources);
  } else {
    sources[dotted] = source;
  }
}

function readYamlFile(file: string, label: string): Tree {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${label} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const doc: unknown = parseYaml(text) ?? {};
    if (!isTree(doc)) throw new ConfigError(`${label} ${file} must hold a mapping of keys, not ${typeof doc}`);
    return doc;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? ` line ${err.linePos[0].line}` : '';
      throw new ConfigError(`${label} ${file}${where} is not valid YAML: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
}

/** Splits a config file into its base settings and its named profiles. */
function splitProfiles(doc: Tree, file: string): { base: Tree; profiles: Record<string, Tree> } {
  const { profiles, ...base } = doc;
  if (profiles === undefined || profiles === null) return { base, profiles: {} };
  if (!isTree(profiles)) throw new ConfigError(`key "profiles" in ${file} must be a mapping of profile names to settings`);
  for (const [name, value] of Object.entries(profiles)) {
    if (!isTree(value)) throw new ConfigError(`key "profiles.${name}" in ${file} must be a mapping of settings`);
  }
  return { base, profiles: profiles as Record<string, Tree> };
}

function envLayer(env: NodeJS.ProcessEnv): Array<{ name: string; tree: Tree }> {
  const layers: Array<{ name: string; tree: Tree }> = [];
  const add = (name: string, tree: Tree) => layers.push({ name, tree });
  if (env.QUANTMINI_DATA_ROOT) add('QUANTMINI_DATA_ROOT', { dataRoot: env.QUANTMINI_DATA_ROOT });
  // POLYGON_API_KEY is the pre-rebrand name; MASSIVE_API_KEY wins when both are set.
  if (env.POLYGON_API_KEY && !env.MASSIVE_API_KEY) add('POLYGON_API_KEY', { massive: { apiKey: env.POLYGON_API_KEY } });
  if (env.MASSIVE_API_KEY) add('MASSIVE_API_KEY', { massive: { apiKey: env.MASSIVE_API_KEY } });
  if (env.MASSIVE_S3_ACCESS_KEY_ID) add('MASSIVE_S3_ACCESS_KEY_ID', { massive: { s3: { accessKeyId: env.MASSIVE_S3_ACCESS_KEY_ID } } });
  if (env.MASSIVE_S3_SECRET_ACCESS_KEY) {
    add('MASSIVE_S3_SECRET_ACCESS_KEY', { massive: { s3: { secretAccessKey: env.MASSIVE_S3_SECRET_ACCESS_KEY } } });
  }
  return layers;
}

function describeAllowed(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/**
 * Loads the effective configuration: shipped defaults, then the user file (and the selected
 * profile from either), then environment variables, then flags.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const sources: Record<string, ValueSource> = {};
  const merged: Tree = {};
  const defaultsFile = defaultConfigPath();
  const defaults = splitProfiles(readYamlFile(defaultsFile, 'defaults file'), defaultsFile);
  overlay(merged, defaults.base, 'default', sources);

  const userFile = flags.config ?? env.QUANTMINI_CONFIG ?? userConfigPath(env);
  const explicitFile = Boolean(flags.config ?? env.QUANTMINI_CONFIG);
  const userFileExists = fs.existsSync(userFile);
  if (explicitFile && !userFileExists) throw new ConfigError(`config file ${userFile} does not exist`);
  const user = userFileExists ? splitProfiles(readYamlFile(userFile, 'config file'), userFile) : { base: {}, profiles: {} };
  const userLabel = `user file ${userFile}`;
  overlay(merged, user.base, userLabel, sources);

  const profile = flags.profile ?? env.QUANTMINI_PROFILE ?? null;
  if (profile) {
    const fromDefaults = defaults.profiles[profile];
    const fromUser = user.profiles[profile];
    if (!fromDefaults && !fromUser) {
      const known = [...new Set([...Object.keys(defaults.profiles), ...Object.keys(user.profiles)])];
      throw new ConfigError(`unknown profile "${profile}" (known: ${known.join(', ') || 'none'})`);
    }
    if (fromDefaults) overlay(merged, fromDefaults, `profile ${profile} (default)`, sources);
    if (fromUser) overlay(merged, fromUser, `profile ${profile} in ${userLabel}`, sources);
  }

  for (const layer of envLayer(env)) overlay(merged, layer.tree, `env ${layer.name}`, sources);
  if (flags.dataRoot) overlay(merged, { dataRoot: flags.dataRoot }, 'flag --data-root', sources);
  if (flags.source) overlay(merged, { source: flags.source }, 'flag --source', sources);

  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k].join('.')) : [issue.path.join('.')];
    const key = keys[0] ?? '(root)';
    const from = sources[key] ?? findSourceUnder(sources, key) ?? 'default';
    throw new ConfigError(`invalid config key "${key}" (from ${from}): ${describeAllowed(issue)}`);
  }
  const settings = parsed.data;
  settings.dataRoot = expandHome(settings.dataRoot, env);
  settings.demoDataRoot = expandHome(settings.demoDataRoot, env);
  return { settings, sources, profile, userFile, userFileExists };
}

function findSourceUnder(sources: Record<string, ValueSource>, key: string): ValueSource | undefined {
  const hit = Object.keys(sources).find((k) => k.startsWith(`${key}.`));
  return hit ? sources[hit] : undefined;
}
