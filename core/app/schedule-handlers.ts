/**
 * The schedule from the UI: its status (setting, files in place, last scheduled run) and Settings'
 * install and remove. What the OS starts depends on the host, which passes it in: the packaged
 * app's own binary with `--scheduled-run`, or the web host's `quantmini schedule run`. A host that
 * passes none (tests, an unknown runtime) shows the schedule without offering to install it.
 */
import type { ScheduleChangeView, ScheduleStatusView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import type { ConfigChange } from '../config/index.ts';
import { parseScheduleTime } from '../schedule/schedule-decision.ts';
import type { ScheduledProgram } from '../schedule/scheduled-command.ts';
import { installSchedule, removeSchedule, scheduleFiles, type ScheduleChange, type ScheduleEnv } from '../schedule/schedule-install.ts';
import { lastScheduledRun } from '../schedule/scheduled-runs.ts';
import fs from 'node:fs';

/** What the schedule handlers need from the backend. */
export interface ScheduleHandlerOptions {
  stateDir: string;
  schedule: () => { enabled: boolean; at: string };
  menuBar: () => boolean;
  /** Saves settings keys to the user file and reloads the configuration. */
  saveSettings: (changes: readonly ConfigChange[]) => Promise<void>;
  program?: (() => ScheduledProgram) | undefined;
  scheduleEnv: () => ScheduleEnv;
}

/** The handlers for schedule.status, schedule.install and schedule.remove. */
export function scheduleHandlers(o: ScheduleHandlerOptions): Pick<Handlers, 'schedule.status' | 'schedule.install' | 'schedule.remove'> {
  const status = (): ScheduleStatusView => {
    const last = lastScheduledRun(o.stateDir);
    const { enabled, at } = o.schedule();
    let install: ScheduleStatusView['install'] = { available: false, installed: false, kind: null, program: null };
    try {
      const { kind, files } = scheduleFiles(o.scheduleEnv());
      const program = o.program?.().programArguments.slice() ?? null;
      install = { available: Boolean(o.program), installed: files.every((f) => fs.existsSync(f)), kind, program };
    } catch {
      // A platform without a schedule kind (Windows): nothing to offer.
    }
    return {
      enabled,
      at,
      lastRun: last
        ? { date: last.date, outcome: last.outcome, finishedAt: last.finishedAt, message: last.message, runId: last.runId }
        : null,
      install,
      menuBar: o.menuBar(),
    };
  };
  const view = (change: ScheduleChange): ScheduleChangeView => ({ ...change, status: status() });
  return {
    'schedule.status': status,
    'schedule.install': async (input) => {
      const program = o.program?.();
      if (!program) {
        throw new RequestError('unavailable', 'this host cannot install a schedule; use `quantmini schedule install` from a terminal');
      }
      const at = input.at ?? o.schedule().at;
      const { minute } = parseScheduleTime(at);
      let change: ScheduleChange;
      try {
        change = await installSchedule(o.scheduleEnv(), { ...program, minute });
      } catch (err) {
        throw new RequestError('unavailable', `the schedule could not be installed: ${(err as Error).message}`);
      }
      await o.saveSettings([
        { key: 'schedule.enabled', value: true },
        { key: 'schedule.at', value: at },
      ]);
      return view(change);
    },
    'schedule.remove': async () => {
      let change: ScheduleChange;
      try {
        change = await removeSchedule(o.scheduleEnv());
      } catch (err) {
        throw new RequestError('unavailable', `the schedule could not be removed: ${(err as Error).message}`);
      }
      await o.saveSettings([{ key: 'schedule.enabled', value: false }]);
      return view(change);
    },
  };
}
