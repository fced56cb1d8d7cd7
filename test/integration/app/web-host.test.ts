import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createAppEvents } from '../../../core/app/app-events.ts';
import { REQUEST_NAMES } from '../../../core/contract/contract.ts';
import type { Handlers } from '../../../core/contract/dispatch.ts';
import { webSocketUrl } from '../../../core/contract/wire-codec.ts';
import { connectSocket, contractClient } from '../../support/ws-client.ts';
import { startWebHost, type WebHost } from '../../../core/web-host/web-host.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-webhost-'));
fs.mkdirSync(path.join(dir, 'assets'));
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>QuantMini</title>');
fs.writeFileSync(path.join(dir, 'assets', 'm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));

const events = createAppEvents();
const arrow = new Uint8Array(300_000).map((_, i) => i % 251);
const unexpected = () => {
  throw new Error('not expected');
};
const handlers = {
  ...Object.fromEntries(REQUEST_NAMES.map((n) => [n, unexpected])),
  'app.info': () => ({ version: '9.9.9', mode: 'demo', dataRoot: '/lake', host: 'web', platform: 'linux' }),
  'lake.preview': (input: { path: string; offset: number }) => ({ path: input.path, columns: ['a'], offset: input.offset, totalRows: 1, arrow, elapsedMs: 1 }),
  'settings.testConnection': () => {
    throw new Error('upstream said no to key sk-secret-abcdef');
  },
} as unknown as Handlers;

let host: WebHost;
beforeAll(async () => {
  host = await startWebHost({ backend: { handlers, events, secrets: () => ['sk-secret-abcdef'] }, rendererDir: dir, token: 'test-token-123' });
});
afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const connect = connectSocket;
const client = contractClient;

describe('web host', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=test-token-123`);
  });

  it('serves the page only with the token, with CSP and no-referrer headers', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong-token-123')).status).toBe(401);
    const page = await get('/?token=test-token-123');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('QuantMini');
    expect(page.headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const wasm = await get('/assets/m.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect((await get('/favicon.ico')).headers['content-type']).toBe('image/x-icon');
    expect((await get('/../../etc/passwd')).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/?token=test-token-123', { Host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('refuses a WebSocket without the token (401) or from another origin (403)', async () => {
    const origin = host.origin;
    expect(await connect(`ws://127.0.0.1:${host.port}/ws`, origin)).toBe(401);
    expect(await connect(`ws://127.0.0.1:${host.port}/ws?token=nope`, origin)).toBe(401);
    expect(await connect(webSocketUrl(host.url), 'https://evil.example')).toBe(403);
    expect(await connect(webSocketUrl(host.url))).toBe(403);
  });

  it('answers requests, validates them, and carries Uint8Array values intact', async () => {
    const ws = (await connect(webSocketUrl(host.url), host.origin)) as WebSocket;
    const c = client(ws);
    expect((await c.call('app.info', {})).result).toEqual({ ok: true, value: expect.objectContaining({ version: '9.9.9' }) });
    expect((await c.call('nope.nothing', {})).result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await c.call('lake.preview', { path: 7 })).result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const preview = (await c.call('lake.preview', { path: 'bronze/x.parquet', offset: 5 })).result;
    expect(preview.ok).toBe(true);
    const bytes = (preview as { ok: true; value: { arrow: Uint8Array } }).value.arrow;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(arrow.byteLength);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(arrow))).toBe(0);
    const failed = (await c.call('settings.testConnection', {})).result;
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(failed)).not.toContain('sk-secret-abcdef');
    ws.close();
  });

  it('pushes events to every connected page', async () => {
    const a = (await connect(webSocketUrl(host.url), host.origin)) as WebSocket;
    const b = (await connect(webSocketUrl(host.url), host.origin)) as WebSocket;
    const ca = client(a);
    const cb = client(b);
    events.emit('coverage.changed', { dataset: 'stocks_daily', layer: 'bronze', date: '2026-11-20', state: 'complete' });
    await new Promise((r) => setTimeout(r, 100));
    for (const c of [ca, cb]) expect(c.received).toContainEqual({ type: 'event', name: 'coverage.changed', payload: expect.objectContaining({ state: 'complete' }) });
    a.close();
    b.close();
  });
});
