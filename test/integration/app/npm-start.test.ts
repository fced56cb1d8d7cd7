import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// HOME points at a temporary folder so the default demo lake and user config land there, and
// ELECTRON_OVERRIDE_DIST_PATH at an empty one: the "no Electron binary" case, decided without
// any download attempt.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-npm-start-'));
const noElectron = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-no-electron-'));
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(noElectron, { recursive: true, force: true });
});

describe('npm start without an Electron runtime', () => {
  it('says so in one line, starts the web host, prints the URL, and the page is served there', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ELECTRON_OVERRIDE_DIST_PATH: noElectron };
    delete env.QUANTMINI_CONFIG;
    delete env.QUANTMINI_DATA_ROOT;
    const child = spawn(process.execPath, ['scripts/start.js', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed\n${stderr}`)), 150_000);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /QuantMini web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`npm start exited (${code})\n${stderr}`)));
      });
      const lines = stderr.split('\n').filter((l) => /Electron/.test(l));
      expect(lines).toEqual(['Electron runtime unavailable here (ELECTRON_OVERRIDE_DIST_PATH has no electron); starting the web host instead.']);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root"|<script/);
      expect(fs.existsSync(path.join(home, 'QuantMiniLake-demo'))).toBe(true);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
