/**
 * Honest settings: values a start-up flag or the environment forces are reported with what is
 * saved underneath; a flat-file endpoint where nothing listens is said once in plain words, by the
 * connection test and before an update or backfill queues any job.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppBackend, lakeServiceConfig } from '../../../core/app/app-backend.ts';
import { createAppSettings } from '../../../core/app/app-settings.ts';
import { describeUnreachable, sourceUnreachable, testConnection } from '../../../core/app/connection-test.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import { dispatchRequest } from '../../../core/contract/dispatch.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../../core/lake-service/lake-service-client.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { listRuns } from '../../../core/runtime/run-history.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-source-checks-'));
const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
const configFile = path.join(home, 'config.yaml');
// Port 9 (discard) on loopback: nothing listens there on a normal machine.
const DEAD = 'http://127.0.0.1:9';
const REFUSED = 'nothing is listening at http://127.0.0.1:9: check the flat-file endpoint';
fs.writeFileSync(
  configFile,
  [
    'source: massive',
    `dataRoot: ${path.join(home, 'saved-lake')}`,
    'massive:',
    '  s3:',
    `    endpoint: ${DEAD}`,
    '    accessKeyId: AKIA-TEST',
    '    secretAccessKey: s3-secret-value',
    '',
  ].join('\n'),
);
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('settings overridden at start-up', () => {
  it('names the flag and the saved value beneath it, and never reports secrets', async () => {
    const flags = { config: configFile, source: 'demo' as const, dataRoot: path.join(home, 'flag-lake') };
    const settings = createAppSettings({ config: loadConfig(flags, env), flags, env: { ...env, MASSIVE_API_KEY: 'env-key-123456' } });
    await settings.init();
    const view = settings.view();
    expect(view.mode).toBe('demo');
    expect(view.overrides).toEqual([
      { field: 'source', by: 'the --source flag', value: 'demo', saved: 'massive' },
      { field: 'dataRoot', by: 'the --data-root flag', value: path.join(home, 'flag-lake'), saved: path.join(home, 'saved-lake') },
    ]);
    const description = expect.stringContaining(`plain text in the user configuration file ${configFile}`);
    expect(view.credentialStore).toEqual({ kind: 'config-file', description, path: configFile });
    expect(settings.sourceNotice()).toBe(
      'QuantMini was started with the --source flag set to Demo, so this tests the built-in simulator; ' +
        'the saved source (Massive) applies once QuantMini starts without it.',
    );
  });

  it('reports credentials from the environment as overriding the saved ones', async () => {
    const withKey = { ...env, MASSIVE_API_KEY: 'env-key-123456' };
    const flags = { config: configFile };
    const settings = createAppSettings({ config: loadConfig(flags, withKey), flags, env: withKey });
    await settings.init();
    const view = settings.view();
    expect(view.overrides).toEqual([{ field: 'apiKey', by: 'the MASSIVE_API_KEY environment variable', value: null, saved: null }]);
    expect(JSON.stringify(view)).not.toContain('env-key-123456');
    expect(settings.sourceNotice()).toBeNull();
  });
});

describe('a flat-file endpoint nobody answers', () => {
  it('is described once, in plain words', async () => {
    expect(await sourceUnreachable(DEAD)).toBe('nothing is listening at http://127.0.0.1:9: check the flat-file endpoint');
    const dns = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    expect(describeUnreachable('https://files.example.invalid/', dns)).toBe(
      'the host name of https://files.example.invalid does not resolve: check the flat-file endpoint and your network',
    );
  });

  it('counts any HTTP answer (an unsigned S3 request gets 403) as someone listening', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      expect(await sourceUnreachable(`http://127.0.0.1:${(server.address() as { port: number }).port}`)).toBeNull();
    } finally {
      server.close();
    }
  });

  it('makes the connection test say so once instead of one socket error per dataset', async () => {
    const config = loadConfig({ config: configFile }, env);
    const r = await testConnection(config.settings, effectiveSource(config), ['s3-secret-value']);
    expect(r.s3).toEqual({ ok: false, message: 'nothing is listening at http://127.0.0.1:9: check the flat-file endpoint', reachable: [] });
    expect(r.notice).toBeNull();
  });

  it('stops Update today and a backfill before any job is queued', async () => {
    const lakeRoot = path.join(home, 'saved-lake');
    const flags = { config: configFile };
    const config = loadConfig(flags, env);
    const launcher = createNodeProcessLauncher();
    const serviceConfig = lakeServiceConfig(config.settings, effectiveSource(config));
    const lakeService = createLakeServiceClient({ launcher, entry: nodeLakeServiceEntry(), config: serviceConfig });
    const backend = await createAppBackend({ config, configFlags: flags, launcher, lakeService, host: 'web', version: '0.0.0-test' });
    try {
      const update = await dispatchRequest(backend.handlers, 'runs.startUpdate', {});
      expect(update).toEqual({
        ok: false,
        error: {
          code: 'unavailable',
          message: `The update did not start: ${REFUSED}. No jobs were queued.`,
        },
      });
      const cells = [{ dataset: 'stocks_daily' as const, date: '2024-03-04' }];
      const backfill = await dispatchRequest(backend.handlers, 'runs.startBackfill', { layer: 'bronze', cells });
      const message = expect.stringMatching(/^The backfill did not start: nothing is listening/);
      expect(backfill).toMatchObject({ ok: false, error: { code: 'unavailable', message } });
      expect(await listRuns(lakeRoot, 10)).toEqual([]);
    } finally {
      await backend.close();
    }
  });
});
