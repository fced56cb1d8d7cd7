/**
 * One scheduled firing inside the Electron main process, without a window: the packaged app's
 * launchd agent or systemd timer starts `QuantMini --scheduled-run`, and a firing handed to an app
 * that is already open runs here too. It decides and updates through the app backend (utility
 * processes, the lake lock, the volume checks), records the outcome in the scheduled-run history,
 * posts a notification when something ran or was refused, and returns the CLI's exit code.
 */
import type { AppBackend } from '../core/app/app-backend.ts';
import { runScheduledAppUpdate } from '../core/app/scheduled-app-update.ts';
import { scheduledRunNotification } from '../core/notify/run-notification.ts';
import { SCHEDULED_RUN_FLAG } from '../core/schedule/scheduled-command.ts';
import type { NotificationApi } from './run-notifier.ts';

/** Whether this process was started for a scheduled firing. */
export function isScheduledRun(argv: readonly string[]): boolean {
  return argv.includes(SCHEDULED_RUN_FLAG);
}

/** The arguments of a normal start after a headless one (app.relaunch): the firing's own flags removed. */
export function interactiveArgs(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => a !== SCHEDULED_RUN_FLAG && !a.startsWith('--now='));
}

/** What a firing needs. */
export interface ScheduledFiringOptions {
  backend: Pick<AppBackend, 'handlers' | 'events' | 'secrets'>;
  notifications: NotificationApi;
  stateDir: string;
  at: string;
  lakeRoot: string;
  now?: () => Date;
  /** Where the one-line outcome goes (stdout: the schedule's log file). */
  log: (line: string) => void;
  /** How long to wait for the notification to be shown before returning (the headless process exits next). */
  notificationWaitMs?: number;
  onNotificationClick?: () => void;
  pollMs?: number;
}

/** Runs one firing; resolves with the exit code (0 done or not due, 1 failed or refused, 75 lake busy). */
export async function runScheduledFiring(o: ScheduledFiringOptions): Promise<number> {
  const { decision, record, exitCode } = await runScheduledAppUpdate({
    backend: o.backend,
    stateDir: o.stateDir,
    at: o.at,
    lakeRoot: o.lakeRoot,
    ...(o.now ? { now: o.now } : {}),
    ...(o.pollMs ? { pollMs: o.pollMs } : {}),
  });
  if (!record) {
    // Hourly firings that are not due stay silent: no notification, no history entry.
    o.log(`scheduled update not run: ${decision.due ? '' : decision.message}`);
    return exitCode;
  }
  o.log(`scheduled update ${record.outcome} for ${record.date}: ${record.message}`);
  if (o.notifications.isSupported()) {
    const n = scheduledRunNotification(record);
    const note = o.notifications.create({ title: n.title, body: n.body, urgency: n.urgent ? 'critical' : 'normal', silent: !n.urgent });
    const shown = new Promise<void>((resolve) => {
      note.on('show', () => resolve());
      setTimeout(resolve, o.notificationWaitMs ?? 2000);
    });
    if (o.onNotificationClick) note.on('click', o.onNotificationClick);
    note.show();
    await shown;
  }
  return exitCode;
}
