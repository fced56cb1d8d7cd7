/**
 * Settings' scheduled update in Chromium against `quantmini serve` on an empty demo lake: the card
 * names the program the schedule starts (this checkout's CLI, from the web host), turning it on
 * writes the systemd user units (with instructions where `systemctl --user` cannot be asked) and
 * turning it off removes them; no serious or critical axe finding. XDG_CONFIG_HOME and the state
 * folder point at the test's temporary folder, so nothing is installed for the real user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeFindings } from './support/axe.ts';
import { openApp, type TestBrowser } from './support/browser.ts';
import { createDemoLake, startServe, type DemoLake, type ServeHandle } from './support/serve-process.ts';

let lake: DemoLake;
let serve: ServeHandle;
let ui: TestBrowser;

beforeAll(async () => {
  lake = createDemoLake('schedule');
  // The web host's schedule goes to the temporary home, not the real one.
  lake.env = { XDG_CONFIG_HOME: path.join(lake.dir, 'xdg'), QUANTMINI_STATE_DIR: path.join(lake.dir, 'state') };
  serve = await startServe(lake);
  ui = await openApp(`${serve.url}#/settings`);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await serve?.stop();
  lake?.cleanup();
});

describe('Settings: scheduled update', () => {
  it('turns the schedule on and off from the page, naming what the OS starts', async () => {
    const { page } = ui;
    const card = page.getByTestId('schedule-settings');
    await card.getByTestId('schedule-settings-state').waitFor();
    expect(await card.getByTestId('schedule-settings-state').textContent()).toMatch(/^Off\. The schedule starts .*bin\/quantmini\.js .*schedule run\.$/);
    expect(await card.getByTestId('menu-bar-toggle').count()).toBe(0);
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.getByLabel('Time (New York)').fill('6:5');
    expect(await card.getByTestId('schedule-install').isDisabled()).toBe(true);
    await page.getByLabel('Time (New York)').fill('06:45');
    await card.getByTestId('schedule-install').click();
    await page.getByText('On: every trading day at 06:45 New York time.').waitFor();
    const unitDir = path.join(lake.dir, 'xdg', 'systemd', 'user');
    expect(fs.readFileSync(path.join(unitDir, 'quantmini-update.timer'), 'utf8')).toContain('OnCalendar=*-*-* *:45:00');
    expect(fs.readFileSync(path.join(unitDir, 'quantmini-update.service'), 'utf8')).toMatch(/ExecStart=.*bin\/quantmini\.js .*schedule run/);
    if ((await card.getByTestId('schedule-instructions').count()) > 0) {
      expect(await card.getByTestId('schedule-instructions').textContent()).toContain('systemctl --user');
    }
    expect(await seriousAxeFindings(page)).toEqual([]);

    await card.getByTestId('schedule-remove').click();
    await card.getByText(/^Off\./).waitFor();
    expect(fs.existsSync(path.join(unitDir, 'quantmini-update.timer'))).toBe(false);
    expect(ui.errors).toEqual([]);
  }, 120_000);
});
