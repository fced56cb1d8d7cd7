import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// `plist` (electron-builder's own plist library, present through that devDependency) ships no types.
// @ts-expect-error -- untyped module
import plist from 'plist';
import { installSchedule, removeSchedule, scheduleInstallState, type ScheduleEnv, type ServiceExec } from '../../../core/schedule/schedule-install.ts';
import { SCHEDULE_LABEL } from '../../../core/schedule/unit-files.ts';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true });
});

function home(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-sched-home-'));
  temps.push(d);
  return d;
}

/** A service manager that records calls and answers as told. */
function manager(answer: (cmd: string, args: readonly string[]) => ReturnType<ServiceExec>) {
  const calls: string[] = [];
  const exec: ServiceExec = (cmd, args) => {
    calls.push([cmd, ...args].join(' '));
    return answer(cmd, args);
  };
  return { calls, exec };
}

const absent: ServiceExec = () => ({ status: null, output: 'spawn ENOENT', missing: true });
const cmd = {
  programArguments: ['/usr/local/bin/node', '/Users/me/My Apps/quantmini/bin/quantmini.js', '--data-root', '/Volumes/Market Drive/lake', 'schedule', 'run'],
  minute: 5,
  workingDirectory: '/Users/me/My Apps/quantmini',
  environment: { QUANTMINI_CONFIG: '/Users/me/q & a.yaml' },
};

describe('launchd agent (macOS)', () => {
  it('writes a plist a parser accepts, under ~/Library/LaunchAgents of the injected home, even without launchctl', async () => {
    const h = home();
    const se: ScheduleEnv = { env: { HOME: h }, platform: 'darwin', exec: absent, uid: 501 };
    const change = await installSchedule(se, cmd);
    const file = path.join(h, 'Library', 'LaunchAgents', `${SCHEDULE_LABEL}.plist`);
    expect(change.files).toEqual([file]);
    expect(change.activated).toBe(false);
    expect(change.instructions).toEqual([`launchctl bootstrap gui/501 ${file}`]);
    const parsed = (plist as { parse(text: string): unknown }).parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      Label: SCHEDULE_LABEL,
      ProgramArguments: cmd.programArguments,
      WorkingDirectory: cmd.workingDirectory,
      StartCalendarInterval: { Minute: 5 },
      EnvironmentVariables: { QUANTMINI_CONFIG: '/Users/me/q & a.yaml' },
      RunAtLoad: false,
      StandardOutPath: path.join(h, 'Library', 'Logs', 'QuantMini', 'schedule.log'),
    });
    expect(scheduleInstallState(se)).toMatchObject({ kind: 'launchd', installed: true, loaded: null });
  });

  it('loads it with launchctl bootstrap where launchctl answers, and status and remove follow it', async () => {
    const h = home();
    let loaded = false;
    const m = manager((_c, args) => {
      if (args[0] === 'bootstrap') loaded = true;
      if (args[0] === 'bootout') loaded = false;
      if (args[0] === 'print') return { status: loaded ? 0 : 113, output: '', missing: false };
      return { status: 0, output: '', missing: false };
    });
    const se: ScheduleEnv = { env: { HOME: h }, platform: 'darwin', exec: m.exec, uid: 501 };
    const change = await installSchedule(se, cmd);
    expect(change.activated).toBe(true);
    expect(m.calls).toEqual([`launchctl bootout gui/501/${SCHEDULE_LABEL}`, `launchctl bootstrap gui/501 ${change.files[0]}`]);
    expect(scheduleInstallState(se)).toMatchObject({ installed: true, loaded: true });
    const removed = await removeSchedule(se);
    expect(removed.activated).toBe(true);
    expect(fs.existsSync(change.files[0]!)).toBe(false);
    expect(scheduleInstallState(se)).toMatchObject({ installed: false, loaded: false });
  });
});

describe('systemd user timer (Linux)', () => {
  it('writes the service and timer under $XDG_CONFIG_HOME/systemd/user, with instructions when systemctl --user is unreachable', async () => {
    const h = home();
    const xdg = path.join(h, 'xdg');
    const m = manager(() => ({ status: 1, output: 'Failed to connect to bus: No medium found', missing: false }));
    const se: ScheduleEnv = { env: { HOME: h, XDG_CONFIG_HOME: xdg }, platform: 'linux', exec: m.exec };
    const change = await installSchedule(se, cmd);
    const dir = path.join(xdg, 'systemd', 'user');
    expect(change.files).toEqual([path.join(dir, 'quantmini-update.service'), path.join(dir, 'quantmini-update.timer')]);
    expect(change.activated).toBe(false);
    expect(change.managerMessage).toContain('not reachable');
    expect(change.instructions).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable --now quantmini-update.timer']);
    const service = fs.readFileSync(change.files[0]!, 'utf8');
    expect(service).toContain('ExecStart=/usr/local/bin/node "/Users/me/My Apps/quantmini/bin/quantmini.js" --data-root "/Volumes/Market Drive/lake" schedule run');
    expect(fs.readFileSync(change.files[1]!, 'utf8')).toContain('OnCalendar=*-*-* *:05:00');
    expect(scheduleInstallState(se)).toMatchObject({ installed: true, loaded: null });
    await removeSchedule(se);
    expect(change.files.some((f) => fs.existsSync(f))).toBe(false);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('writes units that systemd-analyze verify accepts', async () => {
    const h = home();
    // verify checks that ExecStart's program exists, so point it at this Node and a real file.
    const real = { ...cmd, programArguments: [process.execPath, path.resolve('bin/quantmini.js'), 'schedule', 'run'], workingDirectory: path.resolve('.') };
    const change = await installSchedule({ env: { HOME: h, XDG_CONFIG_HOME: path.join(h, 'xdg') }, platform: 'linux', exec: absent }, real);
    const r = spawnSync('systemd-analyze', ['verify', ...change.files.slice().reverse()], { encoding: 'utf8', cwd: path.dirname(change.files[0]!) });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
