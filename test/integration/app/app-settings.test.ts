import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppSettings } from '../../../core/app/app-settings.ts';
import { emptyCredentials, type Credentials, type SecretStore } from '../../../core/app/secret-store.ts';
import { loadConfig } from '../../../core/config/index.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-app-settings-'));
const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** A secret store kept in memory (Electron's is safeStorage, tested with electron mocked). */
function memoryStore(): SecretStore & { saved: Credentials } {
  const store = {
    description: 'memory',
    saved: emptyCredentials(),
    load: async () => ({ ...store.saved }),
    save: async (c: Credentials) => {
      store.saved = { ...c };
    },
  };
  return store;
}

describe('app settings with a secret store (the Electron case)', () => {
  it('keeps credentials in the store, not the user file, and works before the user file exists', async () => {
    const config = loadConfig({}, env);
    expect(config.userFileExists).toBe(false);
    const store = memoryStore();
    const settings = createAppSettings({ config, secretStore: store, env });
    await settings.init();
    expect(settings.view()).toMatchObject({ mode: 'demo', hasApiKey: false, hasS3Keys: false });

    const view = await settings.setCredentials({ apiKey: 'k-1234567890', s3AccessKeyId: 'AKIA-TEST', s3SecretAccessKey: 's3-secret-value' });
    expect(view).toMatchObject({ hasApiKey: true, hasS3Keys: true, mode: 'massive' });
    expect(JSON.stringify(view)).not.toMatch(/k-1234567890|s3-secret-value/);
    expect(store.saved.s3SecretAccessKey).toBe('s3-secret-value');
    expect(fs.existsSync(config.userFile)).toBe(false);
    expect(settings.secrets()).toEqual(expect.arrayContaining(['k-1234567890', 's3-secret-value']));

    // A settings change creates the user file; the stored credentials still apply after the reload.
    const after = await settings.update({ plan: 'developer' });
    expect(after).toMatchObject({ plan: 'developer', hasS3Keys: true });
    expect(fs.readFileSync(config.userFile, 'utf8')).not.toContain('s3-secret-value');

    const cleared = await settings.setCredentials({ s3AccessKeyId: null, s3SecretAccessKey: null });
    expect(cleared).toMatchObject({ hasS3Keys: false, mode: 'demo', hasApiKey: true });
  });
});
