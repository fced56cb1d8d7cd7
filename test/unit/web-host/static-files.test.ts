import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../core/web-host/content-security-policy.ts';
import { faviconIco } from '../../../core/web-host/favicon.ts';
import { contentTypeFor, resolveStaticFile } from '../../../core/web-host/static-files.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-static-'));
const dist = path.join(root, 'dist');
fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
fs.writeFileSync(path.join(root, 'outside.txt'), 'secret');
fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dist, 'link.txt'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('static files', () => {
  it('finds files inside the root with their content type', async () => {
    expect(await resolveStaticFile(dist, '/assets/app.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', size: 14 });
    expect(contentTypeFor('x/parquet_wasm_bg.wasm')).toBe('application/wasm');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });

  it('refuses traversal, encoded separators, NUL, folders and symlinks that lead out', async () => {
    for (const p of ['/../outside.txt', '/assets/../../outside.txt', '/%2e%2e/outside.txt', '/..%2Foutside.txt', '/link.txt', '/assets', '/index.html%00.js', '/%E0%A4%A']) {
      expect(await resolveStaticFile(dist, p), p).toBeNull();
    }
  });
});

describe('content security policy', () => {
  it('allows only our own scripts plus WebAssembly compilation', () => {
    const csp = contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:4000'] });
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain("'unsafe-eval' ");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4000");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('favicon', () => {
  it('is a valid 16x16 ICO', () => {
    const ico = faviconIco();
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(1);
    expect(ico[6]).toBe(16);
    expect(ico.readUInt32LE(18) + ico.readUInt32LE(14)).toBe(ico.length);
  });
});
