/**
 * The REST API key never reaches what the web host serves: not the page, not any contract answer
 * (settings, connection test, runs, logs, coverage), not an error, not the host's own log output,
 * and not the lake it runs an update into. `quantmini serve` runs as a user runs it, with the key
 * in MASSIVE_API_KEY; the test greps everything for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToWebHost, type WsContractClient } from '../../support/ws-client.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from '../../e2e/support/serve-process.ts';

const KEY = 'qm-webhost-KEY-93c1e7a4f2';
let lake: DemoLake;
let serve: ServeHandle;
let client: WsContractClient;
const seen: string[] = [];

beforeAll(async () => {
  lake = createDemoLake('key-leak');
  fs.writeFileSync(lake.configFile, 'demo:\n  tickers: 10\ndatasets:\n  enabled: [stocks_daily, splits]\n');
  process.env.MASSIVE_API_KEY = KEY;
  try {
    serve = await startServe(lake);
  } finally {
    delete process.env.MASSIVE_API_KEY;
  }
  client = await connectToWebHost(serve.url);
}, 240_000);

afterAll(async () => {
  client?.close();
  await serve?.stop();
  lake?.cleanup();
});

async function ask(name: string, input: unknown): Promise<unknown> {
  const r = await (client.call as (n: string, i: unknown) => Promise<{ result: unknown }>)(name, input);
  seen.push(JSON.stringify(r.result));
  return r.result;
}

describe('the API key and the web host', () => {
  it('appears in no page, answer, error, log line or lake file, through an update', async () => {
    const page = await fetch(serve.url);
    seen.push(await page.text());
    const settings = (await ask('settings.get', {})) as { ok: boolean; value: { hasApiKey: boolean } };
    expect(settings.value.hasApiKey).toBe(true);
    await ask('app.info', {});
    await ask('settings.testConnection', {});
    await ask('runs.get', { runId: 'no-such-run' });
    await ask('lake.parquetInfo', { path: '../../etc/passwd' });
    const started = (await ask('runs.startUpdate', {})) as { ok: boolean; value: { runId: string } };
    expect(started.ok).toBe(true);
    const runId = started.value.runId;
    type Detail = { ok: boolean; value: { outcome: string; jobs: Array<{ jobId: string }> } };
    let detail = (await ask('runs.get', { runId })) as Detail;
    for (let i = 0; i < 600 && (!detail.ok || detail.value.outcome === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      detail = (await ask('runs.get', { runId })) as Detail;
    }
    expect(detail.value.outcome).not.toBe('running');
    for (const j of detail.value.jobs) await ask('jobs.log', { runId, jobId: j.jobId });
    await ask('freshness.get', {});
    seen.push(serve.stderr());
    expect(seen.join('\n').length).toBeGreaterThan(1000);
    expect(seen.filter((s) => s.includes(KEY))).toEqual([]);
    for (const f of fs.readdirSync(lake.lakeRoot, { recursive: true }).map(String)) {
      const file = path.join(lake.lakeRoot, f);
      if (!fs.statSync(file).isFile() || /\.(parquet|gz)$/.test(f)) continue;
      expect(fs.readFileSync(file, 'utf8').includes(KEY), f).toBe(false);
    }
  }, 300_000);
});
