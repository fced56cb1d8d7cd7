import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../core/contract/contract-views.ts';
import { credentialsPayload, formFromSettings, payloadFromForm, validateSettingsForm } from '../../../renderer/lib/settings-form.ts';

const settings: SettingsView = {
  dataRoot: '/Users/r/QuantMiniLake',
  demoDataRoot: '/Users/r/QuantMiniLake-demo',
  mode: 'demo',
  source: 'auto',
  plan: 'starter',
  s3Endpoint: 'https://files.massive.com',
  restBase: 'https://api.massive.com',
  hasApiKey: false,
  hasS3Keys: false,
  datasetsEnabled: ['stocks_daily', 'stocks_minute'],
  datasetsAvailable: [
    { id: 'stocks_daily', title: 'Stocks day aggregates' },
    { id: 'stocks_minute', title: 'Stocks minute aggregates' },
  ],
  concurrency: { downloads: 4, ingestWorkers: null, duckdbThreads: null, duckdbMemoryLimit: '2GB' },
  memory: { warningPercent: 75, criticalPercent: 90, criticalGraceSeconds: 30 },
  userFile: '/Users/r/.config/quantmini/config.yaml',
  overrides: [],
  credentialStore: { kind: 'config-file', description: 'in plain text in the user configuration file', path: '/Users/r/.config/q.yaml' },
};

describe('settings form', () => {
  it('round-trips saved settings into a valid payload, automatic values as null', () => {
    const form = formFromSettings(settings);
    expect(form.ingestWorkers).toBe('');
    const { payload, errors } = validateSettingsForm(form);
    expect(errors).toEqual({});
    expect(payload?.concurrency).toEqual({ downloads: 4, ingestWorkers: null, duckdbThreads: null, duckdbMemoryLimit: '2GB' });
    expect(payload?.memory).toEqual({ warningPercent: 75, criticalPercent: 90, criticalGraceSeconds: 30 });
  });

  it('starts fields a start-up flag overrides from their saved values, so saving keeps the file as it was', () => {
    const flagged: SettingsView = {
      ...settings,
      source: 'demo',
      dataRoot: '/tmp/flag-lake',
      overrides: [
        { field: 'source', by: 'the --source flag', value: 'demo', saved: 'massive' },
        { field: 'dataRoot', by: 'the --data-root flag', value: '/tmp/flag-lake', saved: '/Users/r/QuantMiniLake' },
      ],
    };
    const form = formFromSettings(flagged);
    expect(form.source).toBe('massive');
    expect(form.dataRoot).toBe('/Users/r/QuantMiniLake');
    expect(payloadFromForm(form).source).toBe('massive');
  });

  it('reports each bad field with a sentence, using the contract schema', () => {
    const form = {
      ...formFromSettings(settings),
      downloads: 'abc',
      ingestWorkers: '1.5',
      duckdbThreads: '0',
      duckdbMemoryLimit: '2 potatoes',
      warningPercent: '101',
      s3Endpoint: 'files.massive.com',
      dataRoot: '   ',
    };
    const { payload, errors } = validateSettingsForm(form);
    expect(payload).toBeNull();
    expect(errors.downloads).toBe('Enter a number.');
    expect(errors.ingestWorkers).toBe('Enter a whole number.');
    expect(errors.duckdbThreads).toBe('Must be at least 1.');
    expect(errors.duckdbMemoryLimit).toBe('Enter a size such as "2GB" or "512MiB".');
    expect(errors.warningPercent).toBe('Must be at most 100.');
    expect(errors.s3Endpoint).toBe('Enter a URL such as https://files.massive.com.');
    expect(errors.dataRoot).toBe('Enter a folder path.');
  });

  it('checks that critical is above warning and that a dataset stays enabled', () => {
    const { errors } = validateSettingsForm({ ...formFromSettings(settings), warningPercent: '80', criticalPercent: '70', datasetsEnabled: [] });
    expect(errors.criticalPercent).toBe('Must be above the warning level.');
    expect(errors.datasetsEnabled).toBe('Enable at least one dataset.');
  });

  it('trims text fields in the payload', () => {
    const p = payloadFromForm({ ...formFromSettings(settings), dataRoot: '  /data/lake ', duckdbMemoryLimit: ' 512MiB ' });
    expect(p.dataRoot).toBe('/data/lake');
    expect(p.concurrency?.duckdbMemoryLimit).toBe('512MiB');
  });
});

describe('credentials', () => {
  it('sends only the fields typed in, and nothing when all are empty', () => {
    expect(credentialsPayload({ apiKey: '', s3AccessKeyId: '', s3SecretAccessKey: '' }, false)).toEqual({ payload: null, errors: {} });
    expect(credentialsPayload({ apiKey: ' key ', s3AccessKeyId: '', s3SecretAccessKey: '' }, false).payload).toEqual({ apiKey: 'key' });
  });
  it('asks for both S3 keys the first time, but allows replacing one later', () => {
    const first = credentialsPayload({ apiKey: '', s3AccessKeyId: 'AKIA', s3SecretAccessKey: '' }, false);
    expect(first.payload).toBeNull();
    expect(first.errors.s3SecretAccessKey).toBe('Enter both S3 keys together.');
    expect(credentialsPayload({ apiKey: '', s3AccessKeyId: '', s3SecretAccessKey: 'new' }, true).payload).toEqual({ s3SecretAccessKey: 'new' });
  });
  it('rejects overlong values with the limit', () => {
    const r = credentialsPayload({ apiKey: 'x'.repeat(201), s3AccessKeyId: '', s3SecretAccessKey: '' }, false);
    expect(r.payload).toBeNull();
    expect(r.errors.apiKey).toBe('Too long (at most 200 characters).');
  });
});
