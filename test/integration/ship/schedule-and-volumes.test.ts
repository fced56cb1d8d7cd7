/**
 * The schedule and the external-drive checks through the real CLI, with HOME and XDG_CONFIG_HOME
 * in temporary folders (never the real ~/.config or ~/Library):
 *   - `schedule install` writes the systemd user units (systemctl --user is unreachable in a
 *     container, so it prints how to enable them), `status` reports them, `remove` deletes them;
 *   - a firing on a non-trading day exits at once and creates nothing;
 *   - a lake on a real mounted volume (tmpfs, where this process may mount) is remembered; with
 *     the volume unmounted, both `update` and a scheduled run are refused naming the lake and the
 *     volume, nothing is created in the mount point, the refusal is recorded; with the volume back
 *     the lake is used again; a volume without room for the plan plus the margin is refused.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../support/cli.ts';

const home = tempDir('qm-ship-home-');
const configDir = path.join(home, '.config', 'quantmini');
const stateDir = path.join(configDir, 'state');
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function writeConfig(extra = ''): void {
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'config.yaml'), `demo:\n  tickers: 5\ndatasets:\n  enabled: [stocks_daily]\nstorage:\n  marginGiB: 0\n${extra}`);
}

describe('quantmini schedule', () => {
  beforeAll(() => writeConfig());

  it('install writes the user timer and says how to enable it; status reports it; remove takes it away', async () => {
    const install = await runCli(['schedule', 'install', '--at', '06:15'], { home });
    expect(install.code).toBe(0);
    const unitDir = path.join(home, '.config', 'systemd', 'user');
    expect(fs.readFileSync(path.join(unitDir, 'quantmini-update.timer'), 'utf8')).toContain('OnCalendar=*-*-* *:15:00');
    const service = fs.readFileSync(path.join(unitDir, 'quantmini-update.service'), 'utf8');
    expect(service).toMatch(/ExecStart=\S+node\S* \S+bin\/quantmini\.js schedule run/);
    expect(service).toContain(`Environment=XDG_CONFIG_HOME=${path.join(home, '.config')}`);
    expect(install.stdout).toContain('systemctl --user enable --now quantmini-update.timer');
    expect(fs.readFileSync(path.join(configDir, 'config.yaml'), 'utf8')).toMatch(/schedule:\n\s+enabled: true\n\s+at: "?06:15"?/);

    const status = await runCli(['--json', 'schedule', 'status'], { home });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { enabled: boolean; at: string; installed: boolean; kind: string };
    expect(s).toMatchObject({ enabled: true, at: '06:15', installed: true, kind: 'systemd' });

    const remove = await runCli(['schedule', 'remove'], { home });
    expect(remove.code).toBe(0);
    expect(fs.existsSync(path.join(unitDir, 'quantmini-update.timer'))).toBe(false);
    expect(fs.existsSync(path.join(unitDir, 'quantmini-update.service'))).toBe(false);
    const after = JSON.parse((await runCli(['--json', 'schedule', 'status'], { home })).stdout) as { enabled: boolean; installed: boolean };
    expect(after).toMatchObject({ enabled: false, installed: false });
  });

  it('exits at once on a non-trading day, creating no lake and recording nothing', async () => {
    const lake = path.join(home, 'weekend-lake');
    const r = await runCli(['--data-root', lake, 'schedule', 'run', '--now', '2026-11-28T15:00:00Z'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026-11-28 is not an NYSE trading day (weekend)');
    expect(fs.existsSync(lake)).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'scheduled-runs.json'))).toBe(false);
  });
});

// Mounting needs root with CAP_SYS_ADMIN; elsewhere test/unit/ship/lake-volume-check.test.ts simulates it.
const probeDir = tempDir('qm-mount-probe-');
const canMount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probeDir]).status === 0;
if (canMount) spawnSync('umount', [probeDir]);
fs.rmSync(probeDir, { recursive: true, force: true });
if (!canMount) console.log('skipping the real-volume tests: this process cannot mount a tmpfs (the unit test simulates unmounting)');

describe.skipIf(!canMount)('a lake on an external volume (real tmpfs mount)', () => {
  const mnt = tempDir('qm-volume-');
  const lake = path.join(mnt, 'lake');
  const saved = tempDir('qm-volume-copy-');
  const mount = (size = '64m') => expect(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]).status).toBe(0);
  const unmount = () => expect(spawnSync('umount', [mnt]).status).toBe(0);
  const update = (extra: string[] = []) => runCli(['--data-root', lake, '--source', 'demo', ...extra, 'update', '--date', '2024-03-05'], { home });
  beforeAll(() => {
    writeConfig();
    mount();
  });
  afterAll(() => {
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
    fs.rmSync(saved, { recursive: true, force: true });
  });

  it('remembers the lake with its volume, refuses runs while the volume is gone, and uses the lake again when it is back', async () => {
    const first = await update();
    expect(first.stderr + first.stdout).toContain('complete');
    expect(first.code).toBe(0);
    const known = JSON.parse(fs.readFileSync(path.join(stateDir, 'known-lakes.json'), 'utf8')) as { lakes: Array<{ root: string; volume: string }> };
    expect(known.lakes).toContainEqual(expect.objectContaining({ root: lake, volume: mnt }));

    // "Unplug the drive": keep its contents aside, unmount; the mount point stays as an empty folder.
    fs.cpSync(mnt, saved, { recursive: true });
    unmount();
    expect(fs.readdirSync(mnt)).toEqual([]);
    const refused = await update();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the lake ${lake} is on the volume ${mnt}, which is not mounted`);
    expect(fs.readdirSync(mnt)).toEqual([]);

    const scheduled = await runCli(['--data-root', lake, '--source', 'demo', 'schedule', 'run', '--now', '2026-12-01T12:00:00Z'], { home });
    expect(scheduled.code).toBe(1);
    expect(scheduled.stdout).toContain('scheduled update refused for 2026-12-01');
    expect(fs.readdirSync(mnt)).toEqual([]);
    const status = JSON.parse((await runCli(['--json', 'schedule', 'status'], { home })).stdout) as { lastRun: { outcome: string; message: string } };
    expect(status.lastRun).toMatchObject({ outcome: 'refused' });
    expect(status.lastRun.message).toContain(mnt);

    // "Plug it back in": the same contents on a mounted volume; the lake is used, nothing to redo.
    mount();
    fs.cpSync(saved, mnt, { recursive: true });
    const again = await update();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');
  });

  it('refuses a run when the volume lacks room for the planned download plus the margin', async () => {
    writeConfig();
    fs.writeFileSync(path.join(configDir, 'config.yaml'), fs.readFileSync(path.join(configDir, 'config.yaml'), 'utf8').replace('marginGiB: 0', 'marginGiB: 1'));
    const r = await runCli(['--data-root', lake, '--source', 'demo', 'update', '--date', '2024-03-06'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`run refused: the volume ${mnt} of the lake ${lake} has \\d+ MiB free; this run plans to download`));
    writeConfig();
  });
});
