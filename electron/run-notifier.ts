import type { Notification as ElectronNotification, NotificationConstructorOptions } from 'electron';
import type { ContractEvent } from '../core/contract/bridge.ts';
import { runNotification } from '../core/notify/run-notification.ts';

/** What the notifier needs from Electron (injected so it can be tested without the runtime). */
export interface NotificationApi {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): Pick<ElectronNotification, 'show' | 'on'>;
}

/**
 * Returns an event listener that shows a native notification when a run finishes or fails, and
 * brings the window forward when the notification is clicked.
 */
export function createRunNotifier(api: NotificationApi, onClick: () => void): (event: ContractEvent) => void {
  return (event) => {
    if (event.name !== 'run.finished' || !api.isSupported()) return;
    const n = runNotification(event.payload);
    if (!n) return;
    const note = api.create({ title: n.title, body: n.body, urgency: n.urgent ? 'critical' : 'normal', silent: !n.urgent });
    note.on('click', onClick);
    note.show();
  };
}
