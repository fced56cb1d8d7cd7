import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));
const { hardenWebContents, denyAllPermissions } = await import('../../../electron/window-security.ts');
const { trustedUrlCheck } = await import('../../../electron/ipc-bridge.ts');

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.openHandler = fn;
  }
  /** Emits a cancellable event and says whether it was prevented. */
  attempt(event: string, url?: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('window hardening (electron mocked)', () => {
  const contents = new FakeContents();
  const shell = { openExternal: vi.fn(async () => undefined) };
  hardenWebContents(contents as never, trustedUrlCheck('app://quantmini'), shell);

  it('denies every new window; https links go to the system browser', () => {
    expect(contents.openHandler!({ url: 'https://massive.com/dashboard' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://massive.com/dashboard');
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('blocks navigation and redirects away from the app', () => {
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://quantmini/index.html#/lake')).toBe(false);
    expect(contents.attempt('will-attach-webview')).toBe(true);
  });

  it('denies every permission', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    denyAllPermissions(session as never);
    const answer = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false);
  });
});
