/**
 * Installs, removes and reports the OS schedule: writes the unit files (always, atomically), then
 * asks the service manager to load them. Where the manager is absent or unreachable (launchctl on
 * Linux, `systemctl --user` in a container without a user bus) the files stay written and the
 * result says the exact commands that enable them later. Home and config folders come from the
 * injected environment, so tests never touch the real ~/Library or ~/.config.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userLogDir } from '../config/config-paths.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { launchdPlist, SCHEDULE_LABEL, systemdUnits, SYSTEMD_UNIT, type ScheduledCommand } from './unit-files.ts';

/** Which kind of schedule a platform gets. */
export type ScheduleKind = 'launchd' | 'systemd';

/** Runs a service-manager command; returns its exit status (null when it could not start) and output. */
export type ServiceExec = (command: string, args: readonly string[]) => { status: number | null; output: string; missing: boolean };

/** Where the schedule lives and how to reach the service manager. */
export interface ScheduleEnv {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  exec: ServiceExec;
  /** The user id launchctl addresses (gui/<uid>); default the process's. */
  uid?: number;
}

/** The real environment: process.env, this platform, spawnSync. */
export function defaultScheduleEnv(): ScheduleEnv {
  return {
    env: process.env,
    platform: process.platform,
    exec: (command, args) => {
      const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: 15_000 });
      const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error?.message ?? ''), missing };
    },
  };
}

/** The schedule kind for a platform (launchd on macOS, systemd elsewhere that is not Windows). */
export function scheduleKind(platform: NodeJS.Platform): ScheduleKind {
  if (platform === 'darwin') return 'launchd';
  if (platform === 'win32') throw new Error('scheduled updates are not supported on Windows yet; use Task Scheduler to run `quantmini schedule run` hourly');
  return 'systemd';
}

/** The files a schedule consists of on this platform. */
export function scheduleFiles(se: Pick<ScheduleEnv, 'env' | 'platform'>): { kind: ScheduleKind; files: string[]; logFile: string | null } {
  const home = se.env.HOME ?? os.homedir();
  const kind = scheduleKind(se.platform);
  if (kind === 'launchd') {
    return { kind, files: [path.join(home, 'Library', 'LaunchAgents', `${SCHEDULE_LABEL}.plist`)], logFile: path.join(userLogDir(se.env, se.platform), 'schedule.log') };
  }
  const xdg = se.env.XDG_CONFIG_HOME && path.isAbsolute(se.env.XDG_CONFIG_HOME) ? se.env.XDG_CONFIG_HOME : path.join(home, '.config');
  const dir = path.join(xdg, 'systemd', 'user');
  return { kind, files: [path.join(dir, `${SYSTEMD_UNIT}.service`), path.join(dir, `${SYSTEMD_UNIT}.timer`)], logFile: null };
}

/** What install and remove did. */
export interface ScheduleChange {
  kind: ScheduleKind;
  files: string[];
  /** Whether the service manager took the change now. */
  activated: boolean;
  /** What the service manager said, or why it could not be asked. */
  managerMessage: string;
  /** Commands to run by hand when `activated` is false. */
  instructions: string[];
}

function launchdTarget(se: ScheduleEnv): string {
  return `gui/${se.uid ?? process.getuid?.() ?? 501}`;
}

/** Writes the unit files for `cmd` and loads them; see the module comment for the fallback. */
export async function installSchedule(se: ScheduleEnv, cmd: ScheduledCommand): Promise<ScheduleChange> {
  const { kind, files, logFile } = scheduleFiles(se);
  if (kind === 'launchd') {
    const [plist] = files as [string];
    await fs.promises.mkdir(path.dirname(logFile!), { recursive: true });
    await fs.promises.mkdir(path.dirname(plist), { recursive: true });
    await writeFileAtomic(plist, launchdPlist(cmd, logFile!));
    const target = launchdTarget(se);
    const steps = [`launchctl bootout ${target}/${SCHEDULE_LABEL}`, `launchctl bootstrap ${target} ${plist}`];
    // bootout fails harmlessly when the agent was not loaded; bootstrap is the step that counts.
    const out = se.exec('launchctl', ['bootout', `${target}/${SCHEDULE_LABEL}`]);
    if (out.missing) return { kind, files, activated: false, managerMessage: 'launchctl is not available here', instructions: steps.slice(1) };
    const boot = se.exec('launchctl', ['bootstrap', target, plist]);
    return boot.status === 0
      ? { kind, files, activated: true, managerMessage: `loaded ${SCHEDULE_LABEL} into ${target}`, instructions: [] }
      : { kind, files, activated: false, managerMessage: `launchctl bootstrap failed: ${boot.output}`, instructions: steps.slice(1) };
  }
  const [serviceFile, timerFile] = files as [string, string];
  const { service, timer } = systemdUnits(cmd);
  await fs.promises.mkdir(path.dirname(serviceFile), { recursive: true });
  await writeFileAtomic(serviceFile, service);
  await writeFileAtomic(timerFile, timer);
  const steps = ['systemctl --user daemon-reload', `systemctl --user enable --now ${SYSTEMD_UNIT}.timer`];
  const reload = se.exec('systemctl', ['--user', 'daemon-reload']);
  if (reload.missing) return { kind, files, activated: false, managerMessage: 'systemctl is not available here', instructions: steps };
  if (reload.status !== 0) return { kind, files, activated: false, managerMessage: `systemctl --user is not reachable (${reload.output})`, instructions: steps };
  const enable = se.exec('systemctl', ['--user', 'enable', '--now', `${SYSTEMD_UNIT}.timer`]);
  return enable.status === 0
    ? { kind, files, activated: true, managerMessage: `enabled ${SYSTEMD_UNIT}.timer`, instructions: [] }
    : { kind, files, activated: false, managerMessage: `systemctl --user enable failed: ${enable.output}`, instructions: steps.slice(1) };
}

/** Unloads the schedule (when the manager is reachable) and deletes its files. */
export async function removeSchedule(se: ScheduleEnv): Promise<ScheduleChange> {
  const { kind, files } = scheduleFiles(se);
  let activated: boolean;
  let managerMessage: string;
  let instructions: string[] = [];
  if (kind === 'launchd') {
    const r = se.exec('launchctl', ['bootout', `${launchdTarget(se)}/${SCHEDULE_LABEL}`]);
    activated = !r.missing;
    managerMessage = r.missing ? 'launchctl is not available here' : r.status === 0 ? `unloaded ${SCHEDULE_LABEL}` : `${SCHEDULE_LABEL} was not loaded`;
    if (r.missing) instructions = [`launchctl bootout ${launchdTarget(se)}/${SCHEDULE_LABEL}`];
  } else {
    const r = se.exec('systemctl', ['--user', 'disable', '--now', `${SYSTEMD_UNIT}.timer`]);
    activated = !r.missing && r.status === 0;
    managerMessage = r.missing ? 'systemctl is not available here' : r.status === 0 ? `disabled ${SYSTEMD_UNIT}.timer` : `systemctl --user is not reachable (${r.output})`;
    if (!activated) instructions = [`systemctl --user disable --now ${SYSTEMD_UNIT}.timer`];
  }
  for (const f of files) await fs.promises.rm(f, { force: true });
  if (kind === 'systemd' && activated) se.exec('systemctl', ['--user', 'daemon-reload']);
  return { kind, files, activated, managerMessage, instructions };
}

/** Whether the schedule is written and loaded. */
export interface ScheduleInstallState {
  kind: ScheduleKind;
  files: Array<{ path: string; exists: boolean }>;
  installed: boolean;
  /** true/false when the manager answered; null when it could not be asked. */
  loaded: boolean | null;
  managerMessage: string;
}

/** Reports the schedule's files and whether the service manager has it loaded. */
export function scheduleInstallState(se: ScheduleEnv): ScheduleInstallState {
  const { kind, files } = scheduleFiles(se);
  const present = files.map((p) => ({ path: p, exists: fs.existsSync(p) }));
  const installed = present.every((f) => f.exists);
  const r =
    kind === 'launchd'
      ? se.exec('launchctl', ['print', `${launchdTarget(se)}/${SCHEDULE_LABEL}`])
      : se.exec('systemctl', ['--user', 'is-enabled', `${SYSTEMD_UNIT}.timer`]);
  let loaded: boolean | null;
  let managerMessage: string;
  if (r.missing) {
    loaded = null;
    managerMessage = `${kind === 'launchd' ? 'launchctl' : 'systemctl'} is not available here`;
  } else if (kind === 'systemd' && r.status !== 0 && /bus|connect/i.test(r.output)) {
    loaded = null;
    managerMessage = `systemctl --user is not reachable (${r.output.split('\n')[0]})`;
  } else {
    loaded = r.status === 0;
    managerMessage = loaded ? 'loaded' : 'not loaded';
  }
  return { kind, files: present, installed, loaded, managerMessage };
}
