import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));
const { appProtocolResponse, APP_INDEX_URL } = await import('../../../electron/app-protocol.ts');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-app-proto-'));
const dist = path.join(root, 'renderer');
fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>QuantMini</title>');
fs.writeFileSync(path.join(dist, 'assets', 'parquet_wasm_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the page with the Content Security Policy header', async () => {
    const res = await appProtocolResponse(dist, APP_INDEX_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("object-src 'none'");
    expect(await res.text()).toContain('QuantMini');
  });

  it('serves wasm as application/wasm', async () => {
    const res = await appProtocolResponse(dist, 'app://quantmini/assets/parquet_wasm_bg.wasm');
    expect(res.headers.get('content-type')).toBe('application/wasm');
  });

  it('serves nothing outside the renderer folder or on another host', async () => {
    expect((await appProtocolResponse(dist, 'app://quantmini/../secret.txt')).status).toBe(404);
    expect((await appProtocolResponse(dist, 'app://quantmini/%2e%2e/secret.txt')).status).toBe(404);
    expect((await appProtocolResponse(dist, 'app://quantmini/..%2fsecret.txt')).status).toBe(404);
    expect((await appProtocolResponse(dist, 'app://other/index.html')).status).toBe(404);
  });
});
