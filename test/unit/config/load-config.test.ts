import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  effectiveSource,
  loadConfig,
  redactSettings,
  saveUserConfig,
  scrubText,
  secretValues,
  userConfigPath,
} from '../../../core/config/index.ts';

let dir: string;
const baseEnv = (): NodeJS.ProcessEnv => ({ HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg') });
const writeUser = (text: string, file = path.join(dir, 'xdg', 'quantmini', 'config.yaml')) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('gold: regular minutes and no feature columns by default; withFeatures needs its set and gold enabled', () => {
    expect(loadConfig({}, baseEnv()).settings.gold).toEqual({ withFeatures: null, minute: { extendedHours: false } });
    writeUser('gold:\n  withFeatures: alpha158@1\n  minute:\n    extendedHours: true\n');
    expect(loadConfig({}, baseEnv()).settings.gold).toEqual({ withFeatures: 'alpha158@1', minute: { extendedHours: true } });
    writeUser('gold:\n  withFeatures: daily\ndatasets:\n  enabled: [qlib_us]\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(/"gold.withFeatures".*daily needs features_daily in datasets.enabled/);
    writeUser('gold:\n  withFeatures: nosuch@1\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(/no built-in feature set nosuch/);
  });

  it('uses shipped defaults when nothing else is set', () => {
    const cfg = loadConfig({}, baseEnv());
    expect(cfg.settings.dataRoot).toBe(path.join(dir, 'QuantMiniLake'));
    expect(cfg.settings.massive.s3.endpoint).toBe('https://files.massive.com');
    expect(cfg.sources['massive.s3.bucket']).toBe('default');
    expect(cfg.userFileExists).toBe(false);
  });

  it('applies precedence flags > env > user file > defaults, recording each source', () => {
    const file = writeUser('dataRoot: /from/user\nconcurrency:\n  downloads: 3\nlogging:\n  level: warn\n');
    const env = { ...baseEnv(), QUANTMINI_DATA_ROOT: '/from/env' };
    expect(loadConfig({}, { ...baseEnv() }).settings.dataRoot).toBe('/from/user');
    const fromEnv = loadConfig({}, env);
    expect(fromEnv.settings.dataRoot).toBe('/from/env');
    expect(fromEnv.sources.dataRoot).toBe('env QUANTMINI_DATA_ROOT');
    expect(fromEnv.settings.concurrency.downloads).toBe(3);
    expect(fromEnv.sources['concurrency.downloads']).toBe(`user file ${file}`);
    const fromFlag = loadConfig({ dataRoot: '/from/flag' }, env);
    expect(fromFlag.settings.dataRoot).toBe('/from/flag');
    expect(fromFlag.sources.dataRoot).toBe('flag --data-root');
  });

  it('selects named profiles from defaults and the user file, with env and flags still winning', () => {
    writeUser('profiles:\n  research:\n    dataRoot: /lake/research\n    concurrency:\n      downloads: 7\n');
    const test = loadConfig({ profile: 'test' }, baseEnv());
    expect(test.settings.dataRoot).toBe(path.join(dir, 'QuantMiniLake-test'));
    const research = loadConfig({}, { ...baseEnv(), QUANTMINI_PROFILE: 'research' });
    expect(research.profile).toBe('research');
    expect(research.settings.dataRoot).toBe('/lake/research');
    expect(research.settings.concurrency.downloads).toBe(7);
    expect(loadConfig({ profile: 'research', dataRoot: '/x' }, baseEnv()).settings.dataRoot).toBe('/x');
    expect(() => loadConfig({ profile: 'nope' }, baseEnv())).toThrow(/unknown profile "nope" \(known: .*production.*test.*research/);
  });

  it('accepts POLYGON_API_KEY as an alias, MASSIVE_API_KEY winning when both are set', () => {
    expect(loadConfig({}, { ...baseEnv(), POLYGON_API_KEY: 'poly-key' }).settings.massive.apiKey).toBe('poly-key');
    const both = loadConfig({}, { ...baseEnv(), POLYGON_API_KEY: 'poly-key', MASSIVE_API_KEY: 'massive-key' });
    expect(both.settings.massive.apiKey).toBe('massive-key');
    expect(both.sources['massive.apiKey']).toBe('env MASSIVE_API_KEY');
  });

  it('names the key, the file and what is allowed for an invalid value', () => {
    const file = writeUser('source: sometimes\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(ConfigError);
    expect(() => loadConfig({}, baseEnv())).toThrow(`invalid config key "source" (from user file ${file}): allowed: "auto", "demo", "massive"`);
    writeUser('concurrency:\n  downloads: many\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(/"concurrency.downloads" \(from user file .*\): expected number/);
    writeUser('concurrency:\n  duckdbMemoryLimit: lots\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(/"concurrency.duckdbMemoryLimit".*a size such as "2GB"/);
    writeUser('massive:\n  s3:\n    endpoit: https://x.example\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(/"massive.s3.endpoit" \(from user file .*\): unknown key endpoit/);
  });

  it('reports YAML syntax errors with the file and line', () => {
    const file = writeUser('dataRoot: [unclosed\n');
    expect(() => loadConfig({}, baseEnv())).toThrow(new RegExp(`config file ${file} line \\d+ is not valid YAML`));
  });

  it('refuses an explicit config file that does not exist', () => {
    expect(() => loadConfig({ config: path.join(dir, 'missing.yaml') }, baseEnv())).toThrow(/does not exist/);
  });

  it('puts the user file where each OS expects it', () => {
    expect(userConfigPath({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Application Support/QuantMini/config.yaml');
    expect(userConfigPath({ HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/quantmini/config.yaml');
    expect(userConfigPath({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/quantmini/config.yaml');
  });
});

describe('secrets', () => {
  it('redacts every secret and scrubs them from free text', () => {
    const env = { ...baseEnv(), MASSIVE_API_KEY: 'key-123456', MASSIVE_S3_ACCESS_KEY_ID: 'AKIA-123', MASSIVE_S3_SECRET_ACCESS_KEY: 's3cr3t-value' };
    const { settings } = loadConfig({}, env);
    const redacted = redactSettings(settings);
    expect(redacted.massive.apiKey).toBe('***');
    expect(redacted.massive.s3.secretAccessKey).toBe('***');
    expect(JSON.stringify(redacted)).not.toMatch(/key-123456|AKIA-123|s3cr3t-value/);
    const text = scrubText('GET https://api.massive.com/v3?apiKey=key-123456&x=1 failed: s3cr3t-value; Bearer abc.def', secretValues(settings));
    expect(text).toBe('GET https://api.massive.com/v3?apiKey=***&x=1 failed: ***; Bearer ***');
  });
});

describe('effectiveSource', () => {
  it('uses demo mode and the demo lake without S3 credentials, Massive with them', () => {
    const demo = effectiveSource(loadConfig({}, baseEnv()));
    expect(demo).toMatchObject({ kind: 'demo', dataRoot: path.join(dir, 'QuantMiniLake-demo') });
    expect(demo.reason).toMatch(/Demo mode/);
    const chosenRoot = effectiveSource(loadConfig({ dataRoot: path.join(dir, 'lake-x') }, baseEnv()));
    expect(chosenRoot).toMatchObject({ kind: 'demo', dataRoot: path.join(dir, 'lake-x') });
    const env = { ...baseEnv(), MASSIVE_S3_ACCESS_KEY_ID: 'id', MASSIVE_S3_SECRET_ACCESS_KEY: 'secret' };
    expect(effectiveSource(loadConfig({}, env))).toMatchObject({ kind: 'massive', dataRoot: path.join(dir, 'QuantMiniLake') });
    expect(effectiveSource(loadConfig({ source: 'demo' }, env)).kind).toBe('demo');
  });
});

describe('saveUserConfig', () => {
  it('changes keys in place, keeps comments, and the result loads', async () => {
    const file = writeUser('# my notes\nconcurrency:\n  downloads: 2 # keep me small\n');
    await saveUserConfig(file, [
      { key: 'concurrency.downloads', value: 5 },
      { key: 'concurrency.duckdbMemoryLimit', value: '1GB' },
    ]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('# my notes');
    expect(text).toContain('# keep me small');
    const cfg = loadConfig({}, baseEnv());
    expect(cfg.settings.concurrency).toMatchObject({ downloads: 5, duckdbMemoryLimit: '1GB' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('treats removing an absent key as done, even when its parent is absent', async () => {
    const file = writeUser('logging:\n  level: warn\n');
    await saveUserConfig(file, [{ key: 'massive.s3.secretAccessKey', value: undefined }, { key: 'logging.level', value: undefined }]);
    expect(loadConfig({}, baseEnv()).settings.logging.level).toBe('info');
  });
});
