/**
 * Browser notifications for the web host: when a run finishes or fails, and the user has allowed
 * notifications, the browser shows one (the same words as the desktop app's, core/notify). In
 * Electron the main process notifies natively, so this stays silent there.
 */
import { useEffect, useState } from 'react';
import { runNotification } from '../../core/notify/run-notification.ts';
import { useApi } from '../api/api-provider.tsx';

/** Whether this browser can show notifications, and what the user has said. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for permission (must run from a click); resolves with the answer. */
export async function requestNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** The current permission, updated after a request from anywhere on the page. */
export function useNotificationPermission(): [NotificationPermission | 'unsupported', () => void] {
  const [permission, setPermission] = useState(notificationPermission);
  const ask = () => {
    void requestNotificationPermission().then(setPermission);
  };
  return [permission, ask];
}

/** Mount once near the root (web host only); renders nothing. */
export function RunNotifications({ host }: { host: 'electron' | 'web' | undefined }) {
  const api = useApi();
  useEffect(() => {
    if (host !== 'web') return undefined;
    return api.subscribe('run.finished', (summary) => {
      const n = runNotification(summary);
      if (!n || notificationPermission() !== 'granted') return;
      const note = new Notification(n.title, { body: n.body, tag: `quantmini-run-${summary.runId}`, requireInteraction: n.urgent });
      note.onclick = () => window.focus();
    });
  }, [api, host]);
  return null;
}
