/**
 * What the OS schedule starts: the CLI's `schedule run` from a checkout, the app binary with
 * `--scheduled-run` from the packaged app (the AppImage file itself on Linux), and the `--now=`
 * argument a firing decides by.
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- untyped module (electron-builder's own plist library)
import plist from 'plist';
import { appScheduledProgram, cliScheduledProgram, scheduledNowArgument, SCHEDULED_RUN_FLAG } from '../../../core/schedule/scheduled-command.ts';
import { launchdPlist, systemdUnits } from '../../../core/schedule/unit-files.ts';

const MAC_BINARY = '/Applications/QuantMini.app/Contents/MacOS/QuantMini';
// Where an AppImage mounts itself while it runs, and where the user keeps the AppImage file.
const APPIMAGE_MOUNT = path.join(os.tmpdir(), '.mount_QuantMxyz');
const APPIMAGE_FILE = path.join(os.homedir(), 'Apps', 'QuantMini-0.1.0.AppImage');

describe('scheduled program', () => {
  it('from the packaged Mac app: its own binary with --scheduled-run, which a plist parser reads back', () => {
    const p = appScheduledProgram({ execPath: MAC_BINARY, appPath: '/Applications/QuantMini.app/Contents/Resources/app.asar', packaged: true, env: { QUANTMINI_CONFIG: '/Users/me/q.yaml', HOME: '/Users/me' } });
    expect(p).toEqual({ programArguments: [MAC_BINARY, SCHEDULED_RUN_FLAG], workingDirectory: path.dirname(MAC_BINARY), environment: { QUANTMINI_CONFIG: '/Users/me/q.yaml' } });
    const parsed = (plist as { parse(text: string): Record<string, unknown> }).parse(launchdPlist({ ...p, minute: 0 }, '/Users/me/Library/Logs/QuantMini/schedule.log'));
    expect(parsed.ProgramArguments).toEqual([MAC_BINARY, '--scheduled-run']);
  });

  it('from an AppImage: the AppImage file, not the binary inside its temporary mount', () => {
    const p = appScheduledProgram({
      execPath: path.join(APPIMAGE_MOUNT, 'quantmini'),
      appPath: path.join(APPIMAGE_MOUNT, 'resources', 'app.asar'),
      packaged: true,
      env: { APPIMAGE: APPIMAGE_FILE },
    });
    expect(p.programArguments).toEqual([APPIMAGE_FILE, '--scheduled-run']);
    expect(systemdUnits({ ...p, minute: 0 }).service).toContain(`ExecStart=${APPIMAGE_FILE} --scheduled-run\n`);
  });

  it('from an unpackaged Electron: the app folder first', () => {
    const p = appScheduledProgram({ execPath: '/repo/node_modules/electron/dist/electron', appPath: '/repo', packaged: false, env: {} });
    expect(p.programArguments).toEqual(['/repo/node_modules/electron/dist/electron', '/repo', '--scheduled-run']);
  });

  it('from the CLI: this Node running `quantmini schedule run` with absolute global options', () => {
    const p = cliScheduledProgram({ config: 'rel/config.yaml', dataRoot: '/Volumes/Drive/lake', source: 'demo' }, {}, '/usr/bin/node');
    expect(p.programArguments[0]).toBe('/usr/bin/node');
    expect(p.programArguments[1]).toMatch(/bin[/\\]quantmini\.js$/);
    expect(p.programArguments.slice(2)).toEqual(['--config', path.resolve('rel/config.yaml'), '--data-root', '/Volumes/Drive/lake', '--source', 'demo', 'schedule', 'run']);
  });

  it('reads --now= as the instant to decide by, and rejects one that is not an instant', () => {
    expect(scheduledNowArgument(['QuantMini', '--scheduled-run'])).toBeNull();
    expect(scheduledNowArgument(['QuantMini', '--scheduled-run', '--now=2026-12-02T12:00:00Z'])?.toISOString()).toBe('2026-12-02T12:00:00.000Z');
    expect(() => scheduledNowArgument(['--now=yesterday'])).toThrow(/--now=yesterday: not an ISO instant/);
  });
});
