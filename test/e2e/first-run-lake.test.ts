/**
 * The first run's lake folder in Chromium against `quantmini serve` with nothing chosen (no
 * --data-root, no saved dataRoot, the default folder absent): the page asks for the folder, refuses
 * a relative path and one on a remembered drive that is unplugged, and takes a writable one, which
 * is saved, created and remembered with its volume; axe finds nothing serious or critical.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKnownLakes } from '../../core/storage/known-lakes.ts';
import { rememberLake } from '../../core/storage/known-lakes.ts';
import { seriousAxeFindings } from './support/axe.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-e2e-first-run-'));
const home = path.join(dir, 'home');
const stateDir = path.join(dir, 'state');
const configFile = path.join(dir, 'config.yaml');
const drive = path.join(dir, 'Volumes', 'Market Drive');
let serve: ServeHandle;
let ui: TestBrowser;

beforeAll(async () => {
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(configFile, 'demo:\n  tickers: 5\ndatasets:\n  enabled: [stocks_daily]\n');
  // A lake written earlier on a drive that is unplugged now.
  await rememberLake(stateDir, path.join(drive, 'lake'), drive);
  // The web host's HOME is inside the test's folder, so the default ~/QuantMiniLake is too.
  const env = { HOME: home, QUANTMINI_STATE_DIR: stateDir };
  const lake: DemoLake = { dir, lakeRoot: '', configFile, flags: ['--source', 'demo', '--config', configFile], env, cleanup: () => undefined };
  serve = await startServe(lake);
  ui = await openApp(`${serve.url}#/today`);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await serve?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('first run: the lake folder', () => {
  it('asks for the folder, refuses bad ones and remembers the one chosen', async () => {
    const { page } = ui;
    const screen = page.getByTestId('first-run-lake');
    await screen.waitFor();
    expect(await page.getByTestId('first-run-folder').inputValue()).toBe(path.join(home, 'QuantMiniLake'));
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.getByTestId('first-run-folder').fill('lake');
    await page.getByTestId('first-run-use').click();
    await screen.getByText('"lake" is not an absolute path').waitFor();

    await page.getByTestId('first-run-folder').fill(path.join(drive, 'lake2'));
    await page.getByTestId('first-run-use').click();
    await screen.getByText(/which is not mounted/).waitFor();
    expect(fs.existsSync(drive)).toBe(false);
    expect(await seriousAxeFindings(page)).toEqual([]);

    const chosen = path.join(dir, 'External', 'lake');
    await page.getByTestId('first-run-folder').fill(chosen);
    await page.getByTestId('first-run-use').click();
    await screen.waitFor({ state: 'detached' });
    expect(fs.statSync(chosen).isDirectory()).toBe(true);
    expect(fs.readFileSync(configFile, 'utf8')).toContain(`dataRoot: ${chosen}`);
    expect(readKnownLakes(stateDir).map((l) => l.root)).toContain(chosen);
    expect(ui.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  }, 120_000);
});
