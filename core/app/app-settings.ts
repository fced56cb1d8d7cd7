/**
 * The app's configuration: what is in force now, how the Settings page changes it, and where
 * credentials live. Changes are validated against the full settings schema before anything is
 * written, saved to the user file (comments kept), and the configuration is reloaded so the next
 * run uses them. Credentials go to the secret store when there is one (Electron: OS keychain) and
 * otherwise to the user file with owner-only permissions (web host); they never come back out.
 */
import {
  effectiveSource,
  loadConfig,
  saveUserConfig,
  secretValues,
  settingsSchema,
  type ConfigChange,
  type ConfigFlags,
  type EffectiveSource,
  type LoadedConfig,
  type Settings,
} from '../config/index.ts';
import type { ParsedInput } from '../contract/contract.ts';
import type { SettingOverrideView, SettingsView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { FLAT_FILE_DATASETS } from '../datasets/index.ts';
import { emptyCredentials, type Credentials, type SecretStore } from './secret-store.ts';

/** What is in force now. */
export interface AppConfigState {
  config: LoadedConfig;
  /** Settings with stored credentials applied. */
  settings: Settings;
  source: EffectiveSource;
}

/** Options for createAppSettings. */
export interface AppSettingsOptions {
  config: LoadedConfig;
  /** The flags the host was started with, re-applied on every reload (e.g. --data-root). */
  flags?: ConfigFlags;
  secretStore?: SecretStore;
  /** Environment for reloads (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The settings service. */
export interface AppSettings {
  /** Loads stored credentials (call once before use). */
  init(): Promise<void>;
  current(): AppConfigState;
  view(): SettingsView;
  update(input: ParsedInput<'settings.update'>): Promise<SettingsView>;
  setCredentials(input: ParsedInput<'settings.setCredentials'>): Promise<SettingsView>;
  /** Saves keys other than the form's (the schedule) after validating them, and reloads. */
  save(changes: readonly ConfigChange[]): Promise<void>;
  /** Secret values to scrub from anything shown. */
  secrets(): string[];
  /** A sentence for when a start-up flag or the environment decides the source, or null. */
  sourceNotice(): string | null;
}

const CREDENTIAL_KEYS: Record<keyof Credentials, string> = {
  apiKey: 'massive.apiKey',
  s3AccessKeyId: 'massive.s3.accessKeyId',
  s3SecretAccessKey: 'massive.s3.secretAccessKey',
};

/** Applies stored credentials, unless an environment variable set that key (env wins: it is the most explicit). */
function withCredentials(config: LoadedConfig, creds: Credentials): Settings {
  const settings = structuredClone(config.settings);
  const fromEnv = (key: string) => (config.sources[key] ?? '').startsWith('env ');
  if (creds.apiKey && !fromEnv(CREDENTIAL_KEYS.apiKey)) settings.massive.apiKey = creds.apiKey;
  if (creds.s3AccessKeyId && !fromEnv(CREDENTIAL_KEYS.s3AccessKeyId)) settings.massive.s3.accessKeyId = creds.s3AccessKeyId;
  if (creds.s3SecretAccessKey && !fromEnv(CREDENTIAL_KEYS.s3SecretAccessKey)) settings.massive.s3.secretAccessKey = creds.s3SecretAccessKey;
  return settings;
}

function setIn(tree: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

const SOURCE_WORDS: Record<string, string> = { auto: 'Automatic', demo: 'Demo', massive: 'Massive' };

/** "flag --source" -> "the --source flag"; "env MASSIVE_API_KEY" -> "the MASSIVE_API_KEY environment variable". */
function describeOrigin(origin: string): string {
  if (origin.startsWith('flag ')) return `the ${origin.slice(5)} flag`;
  if (origin.startsWith('env ')) return `the ${origin.slice(4)} environment variable`;
  return origin;
}

const forcedBy = (origin: string | undefined) => origin !== undefined && (origin.startsWith('flag ') || origin.startsWith('env '));

/**
 * What a start-up flag or the environment sets over the saved configuration. `saved` reads the
 * configuration as it would load without them, so the form edits what is in the file and never
 * writes a flag's value into it.
 */
export function configOverrides(config: LoadedConfig, saved: () => Settings): SettingOverrideView[] {
  const out: SettingOverrideView[] = [];
  const origin = (key: string) => config.sources[key];
  const source = origin('source');
  if (forcedBy(source)) out.push({ field: 'source', by: describeOrigin(source!), value: config.settings.source, saved: saved().source });
  const root = origin('dataRoot');
  if (forcedBy(root)) out.push({ field: 'dataRoot', by: describeOrigin(root!), value: config.settings.dataRoot, saved: saved().dataRoot });
  const key = origin(CREDENTIAL_KEYS.apiKey);
  if (forcedBy(key)) out.push({ field: 'apiKey', by: describeOrigin(key!), value: null, saved: null });
  const s3 = [CREDENTIAL_KEYS.s3AccessKeyId, CREDENTIAL_KEYS.s3SecretAccessKey].map(origin).filter(forcedBy);
  if (s3.length > 0) out.push({ field: 's3Keys', by: s3.map((o) => describeOrigin(o!)).join(' and '), value: null, saved: null });
  return out;
}

/** The Test connection notice for a source chosen at start-up, or null. */
export function sourceNoticeText(overrides: readonly SettingOverrideView[], mode: 'demo' | 'massive'): string | null {
  const o = overrides.find((x) => x.field === 'source');
  if (!o || o.value === o.saved) return null;
  const testing = mode === 'demo' ? 'the built-in simulator' : 'your Massive account';
  const word = (v: string | null) => SOURCE_WORDS[v ?? ''] ?? v;
  return (
    `QuantMini was started with ${o.by} set to ${word(o.value)}, so this tests ${testing}; ` +
    `the saved source (${word(o.saved)}) applies once QuantMini starts without it.`
  );
}

/** The config changes a Settings form submission makes (undefined fields are left alone). */
export function settingsChanges(input: ParsedInput<'settings.update'>): ConfigChange[] {
  const out: ConfigChange[] = [];
  const add = (key: string, value: unknown) => {
    if (value !== undefined) out.push({ key, value });
  };
  add('dataRoot', input.dataRoot);
  add('massive.plan', input.plan);
  add('source', input.source);
  add('massive.s3.endpoint', input.s3Endpoint);
  add('datasets.enabled', input.datasetsEnabled);
  add('menuBar.enabled', input.menuBar);
  for (const [k, v] of Object.entries(input.concurrency ?? {})) add(`concurrency.${k}`, v);
  for (const [k, v] of Object.entries(input.memory ?? {})) add(`memory.${k}`, v);
  return out;
}

/** Creates the settings service over the configuration the host loaded. */
export function createAppSettings(options: AppSettingsOptions): AppSettings {
  let config = options.config;
  let creds: Credentials = emptyCredentials();
  // Reloads resolve the user file the way the first load did (flag, QUANTMINI_CONFIG or the OS
  // default), so a file that does not exist yet is simply absent rather than an error.
  const flags: ConfigFlags = { ...options.flags, profile: options.flags?.profile ?? config.profile ?? undefined };
  const env = options.env ?? process.env;
  const store = options.secretStore;

  const state = (): AppConfigState => {
    const settings = withCredentials(config, creds);
    return { config, settings, source: effectiveSource({ ...config, settings }) };
  };

  const reload = () => {
    config = loadConfig(flags, env);
    saved = null;
  };

  // The configuration without the flags and variables that force values for this run (loaded on demand).
  let saved: Settings | null = null;
  const savedSettings = (): Settings => {
    saved ??= loadConfig({ ...flags, source: undefined, dataRoot: undefined }, { ...env, QUANTMINI_DATA_ROOT: undefined }).settings;
    return saved;
  };
  const overrides = () => configOverrides(config, savedSettings);
  const credentialStore = (): SettingsView['credentialStore'] =>
    store
      ? { kind: 'keychain', description: store.description, path: null }
      : {
          kind: 'config-file',
          description: `in plain text in the user configuration file ${config.userFile}, which only your user account can read (mode 600)`,
          path: config.userFile,
        };

  const view = (): SettingsView => {
    const { settings, source } = state();
    return {
      dataRoot: settings.dataRoot,
      demoDataRoot: settings.demoDataRoot,
      mode: source.kind,
      source: settings.source,
      plan: settings.massive.plan,
      s3Endpoint: settings.massive.s3.endpoint,
      restBase: settings.massive.restBase,
      hasApiKey: Boolean(settings.massive.apiKey),
      hasS3Keys: Boolean(settings.massive.s3.accessKeyId && settings.massive.s3.secretAccessKey),
      datasetsEnabled: [...settings.datasets.enabled],
      datasetsAvailable: FLAT_FILE_DATASETS.map((d) => ({ id: d.id, title: d.title })),
      concurrency: { ...settings.concurrency },
      memory: { warningPercent: settings.memory.warningPercent, criticalPercent: settings.memory.criticalPercent, criticalGraceSeconds: settings.memory.criticalGraceSeconds },
      userFile: config.userFile,
      overrides: overrides(),
      credentialStore: credentialStore(),
    };
  };

  /** Validates changes on a copy of the current settings, so nothing invalid is ever written. */
  const validate = (changes: readonly ConfigChange[]) => {
    const candidate = structuredClone(config.settings) as unknown as Record<string, unknown>;
    for (const c of changes) setIn(candidate, c.key, c.value);
    const parsed = settingsSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RequestError('invalid_input', `${issue.path.join('.')}: ${issue.message}`);
    }
    const m = parsed.data.memory;
    if (m.warningPercent >= m.criticalPercent) {
      throw new RequestError('invalid_input', `memory.warningPercent (${m.warningPercent}) must be below memory.criticalPercent (${m.criticalPercent})`);
    }
  };

  return {
    async init() {
      if (store) creds = await store.load();
    },
    current: state,
    view,
    async update(input) {
      const changes = settingsChanges(input);
      if (changes.length === 0) return view();
      validate(changes);
      await saveUserConfig(config.userFile, changes);
      reload();
      return view();
    },
    async setCredentials(input) {
      const next: Credentials = { ...creds };
      const given = Object.entries(input).filter(([, v]) => v !== undefined) as Array<[keyof Credentials, string | null]>;
      if (given.length === 0) return view();
      if (store) {
        for (const [k, v] of given) next[k] = v;
        await store.save(next);
        creds = next;
        // A key also present in the user file would otherwise shadow a cleared keychain value.
        const inFile = (key: string) => (config.sources[key] ?? '').startsWith('user file');
        const cleared = given.filter(([k, v]) => v === null && inFile(CREDENTIAL_KEYS[k])).map(([k]) => ({ key: CREDENTIAL_KEYS[k], value: undefined }));
        if (cleared.length > 0) await saveUserConfig(config.userFile, cleared);
      } else {
        await saveUserConfig(
          config.userFile,
          given.map(([k, v]) => ({ key: CREDENTIAL_KEYS[k], value: v })),
        );
      }
      reload();
      return view();
    },
    async save(changes) {
      validate(changes);
      await saveUserConfig(config.userFile, changes);
      reload();
    },
    secrets: () => secretValues(state().settings),
    sourceNotice: () => sourceNoticeText(overrides(), state().source.kind),
  };
}
