/**
 * Locks down every web contents the app creates: no navigation away from our page, no new
 * windows (https links open in the user's browser instead), no <webview>, and every permission
 * request (camera, notifications, ...) denied: the app needs none of them.
 */
import type { Session, Shell, WebContents } from 'electron';

/** Applies the navigation and window rules to one web contents. */
export function hardenWebContents(contents: WebContents, isTrustedUrl: (url: string) => boolean, shell: Pick<Shell, 'openExternal'>): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const refuseForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Denies every permission request and check for the session. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
