import { Option, type Command } from 'commander';
import { userStateDir } from '../../config/state-dir.ts';
import { saveUserConfig } from '../../config/save-user-config.ts';
import { parseScheduleTime, scheduleDecision } from '../../schedule/schedule-decision.ts';
import { cliScheduledProgram } from '../../schedule/scheduled-command.ts';
import { defaultScheduleEnv, installSchedule, removeSchedule, scheduleInstallState, type ScheduleChange } from '../../schedule/schedule-install.ts';
import { runScheduledUpdate, type ScheduledUpdateResult } from '../../schedule/scheduled-run.ts';
import { lastScheduledRun, readScheduledRuns } from '../../schedule/scheduled-runs.ts';
import { createCliContext, globalOptions, type CliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { EXIT_LAKE_LOCKED, runEngineCommand } from '../engine-run.ts';

function parseAt(value: string): string {
  try {
    parseScheduleTime(value);
  } catch (err) {
    throw new CliError(`--at: ${(err as Error).message}`, 2);
  }
  return value;
}

function printChange(ctx: CliContext, verb: string, change: ScheduleChange): void {
  if (ctx.json) return ctx.printJson(change);
  for (const f of change.files) ctx.print(`${verb} ${f}`);
  ctx.print(change.activated ? change.managerMessage : `${change.managerMessage}; the files are in place. To apply them, run:`);
  for (const line of change.instructions) ctx.print(`  ${line}`);
}

/** `quantmini schedule install|remove|status|run`: updates every trading day with the app closed. */
export function registerScheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('run `update` every trading day at a New York time, even with the app closed (launchd agent / systemd user timer)');

  schedule
    .command('install')
    .description('write and load the launchd agent (macOS) or systemd user timer (Linux); turns schedule.enabled on')
    .option('--at <HH:MM>', 'New York time of day to update (default: schedule.at, 06:00)', parseAt)
    .action(async (opts: { at?: string }, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const at = opts.at ?? ctx.config.settings.schedule.at;
      const { minute } = parseScheduleTime(at);
      const change = await installSchedule(defaultScheduleEnv(), { ...cliScheduledProgram(globalOptions(cmd)), minute });
      await saveUserConfig(ctx.config.userFile, [
        { key: 'schedule.enabled', value: true },
        { key: 'schedule.at', value: at },
      ]);
      printChange(ctx, 'wrote', change);
      ctx.print(`schedule: every NYSE trading day at ${at} New York time (checked hourly at :${String(minute).padStart(2, '0')}); saved in ${ctx.config.userFile}`);
    });

  schedule
    .command('remove')
    .description('unload and delete the schedule; turns schedule.enabled off')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const change = await removeSchedule(defaultScheduleEnv());
      if (ctx.config.userFileExists || ctx.config.settings.schedule.enabled) await saveUserConfig(ctx.config.userFile, [{ key: 'schedule.enabled', value: false }]);
      printChange(ctx, 'removed', change);
    });

  schedule
    .command('status')
    .description('whether the schedule is installed and loaded, its time, and the last scheduled run')
    .action((_opts: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const state = scheduleInstallState(defaultScheduleEnv());
      const { enabled, at } = ctx.config.settings.schedule;
      const last = lastScheduledRun(userStateDir());
      const next = scheduleDecision(new Date(), at, readScheduledRuns(userStateDir()));
      if (ctx.json) return ctx.printJson({ enabled, at, ...state, lastRun: last, now: next });
      ctx.print(`schedule: ${enabled ? 'on' : 'off'}, every NYSE trading day at ${at} New York time`);
      ctx.print(`${state.kind}: ${state.installed ? 'installed' : 'not installed'}; ${state.loaded === null ? state.managerMessage : state.loaded ? 'loaded' : 'not loaded'}`);
      for (const f of state.files) ctx.print(`  ${f.exists ? 'present' : 'absent '} ${f.path}`);
      ctx.print(last ? `last scheduled run: ${last.outcome} for ${last.date}, finished ${last.finishedAt}: ${last.message}` : 'last scheduled run: none yet');
      ctx.print(`now: ${next.due ? `due (attempt ${next.attempt} for ${next.date})` : next.message}`);
    });

  schedule
    .command('run')
    .description('what the schedule runs: `update` when due (exits at once on a non-trading day, before the time, or when today is done)')
    // Decides as if it were this instant (tests; replaying a missed day's decision).
    .addOption(new Option('--now <instant>', 'decide as of this ISO instant').hideHelp())
    .action(async (opts: { now?: string }, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const now = opts.now ? new Date(opts.now) : null;
      if (now && Number.isNaN(now.getTime())) throw new CliError(`--now: "${opts.now}" is not an ISO instant`, 2);
      const stateDir = userStateDir();
      let lockedOut = false;
      const { decision, record } = await runScheduledUpdate({
        stateDir,
        at: ctx.config.settings.schedule.at,
        lakeRoot: ctx.dataRoot,
        ...(now ? { now: () => now } : {}),
        update: async (): Promise<ScheduledUpdateResult> => {
          let lakeCtx: CliContext;
          try {
            lakeCtx = createCliContext(cmd, { lake: 'write' });
          } catch (err) {
            if (err instanceof CliError) return { outcome: 'refused', runId: null, message: err.message };
            throw err;
          }
          try {
            const outcome = await runEngineCommand(lakeCtx, { target: { kind: 'update' } });
            const s = outcome.summary;
            const ok = s?.state === 'complete' && !(s.counts.missing ?? 0) && !process.exitCode;
            return { outcome: ok ? 'complete' : 'failed', runId: s?.runId ?? null, message: s ? `${s.jobs.length} job(s), ${s.state}` : 'nothing ran' };
          } catch (err) {
            if (!(err instanceof CliError)) throw err;
            lockedOut = err.exitCode === EXIT_LAKE_LOCKED;
            const refused = lockedOut || err.message.startsWith('run refused');
            return { outcome: refused ? 'refused' : err.exitCode === 130 ? 'cancelled' : 'failed', runId: /run (\S+)/.exec(err.message)?.[1] ?? null, message: err.message };
          }
        },
      });
      if (!record) {
        if (ctx.json) ctx.printJson({ ran: false, decision });
        else ctx.print(`scheduled update not run: ${decision.due ? '' : decision.message}`);
        return;
      }
      if (ctx.json) ctx.printJson({ ran: true, record });
      else ctx.print(`scheduled update ${record.outcome} for ${record.date}: ${record.message}`);
      if (record.outcome !== 'complete') process.exitCode = lockedOut ? EXIT_LAKE_LOCKED : 1;
    });
}
