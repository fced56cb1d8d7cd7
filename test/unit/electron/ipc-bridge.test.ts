import { describe, expect, it, vi } from 'vitest';
import type { ContractBackend } from '../../../core/contract/contract-backend.ts';
import { REQUEST_NAMES } from '../../../core/contract/contract.ts';
import type { Handlers } from '../../../core/contract/dispatch.ts';

/**
 * A stand-in for Electron's ipcMain with Electron's own rule: invoking a channel nobody handles
 * rejects with "No handler registered". Events carry a senderFrame like the real ones.
 */
const ipc = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>();
  return {
    handlers,
    listeners,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, fn);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
      removeListener: (channel: string, fn: unknown) => listeners.set(channel, (listeners.get(channel) ?? []).filter((f) => f !== fn)),
    },
    /** What ipcRenderer.invoke does: find the handler or reject like Electron. */
    async invoke(channel: string, url: string | null, ...args: unknown[]) {
      const fn = handlers.get(channel);
      if (!fn) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      return fn({ senderFrame: url === null ? null : { url } }, ...args);
    },
    send(channel: string, url: string) {
      for (const fn of listeners.get(channel) ?? []) fn({ senderFrame: { url } });
    },
  };
});

vi.mock('electron', () => ({ ipcMain: ipc.ipcMain }));

const { ipcMain } = await import('electron');
const { registerContractChannels, trustedUrlCheck } = await import('../../../electron/ipc-bridge.ts');

const APP_PAGE = 'app://quantmini/index.html';

function backend(overrides: Partial<Handlers>): ContractBackend {
  const unexpected = () => {
    throw new Error('not expected in this test');
  };
  return {
    handlers: Object.fromEntries(REQUEST_NAMES.map((n) => [n, overrides[n] ?? unexpected])) as Handlers,
    events: { subscribe: () => () => undefined },
    secrets: () => [],
  };
}

describe('contract channels on ipcMain (electron mocked)', () => {
  const runsGet = vi.fn(async ({ runId }: { runId: string }) => ({ runId, jobs: [] }));
  const onReady = vi.fn();
  const unregister = registerContractChannels(ipcMain as never, {
    backend: backend({ 'runs.get': runsGet as never, 'app.info': (() => ({ version: '1.0.0' })) as never }),
    isTrustedUrl: trustedUrlCheck('app://quantmini', 'http://127.0.0.1:5173/'),
    onReady,
  });

  it('registers exactly the allowlist, one channel per request', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map((n) => `qm:${n}`).sort());
  });

  it('rejects an unknown channel', async () => {
    await expect(ipc.invoke('qm:fs.readFile', APP_PAGE, { path: '/etc/passwd' })).rejects.toThrow(/No handler registered/);
    await expect(ipc.invoke('shell:openExternal', APP_PAGE, 'https://x')).rejects.toThrow(/No handler registered/);
  });

  it('rejects a bad argument with a typed invalid_input result and never runs the handler', async () => {
    runsGet.mockClear();
    const result = await ipc.invoke('qm:runs.get', APP_PAGE, { runId: 'x'.repeat(200) });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const wrongType = await ipc.invoke('qm:runs.get', APP_PAGE, 'not an object');
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(runsGet).not.toHaveBeenCalled();
  });

  it('accepts a good argument and returns the typed value', async () => {
    const result = await ipc.invoke('qm:runs.get', APP_PAGE, { runId: '2026-11-21T10-00-00Z-ab12' });
    expect(result).toEqual({ ok: true, value: { runId: '2026-11-21T10-00-00Z-ab12', jobs: [] } });
    expect(await ipc.invoke('qm:app.info', 'http://127.0.0.1:5173/#/today', {})).toEqual({ ok: true, value: { version: '1.0.0' } });
  });

  it('refuses senders that are not our page', async () => {
    runsGet.mockClear();
    for (const url of ['https://evil.example/', 'file:///tmp/evil.html', 'app://other/index.html', 'http://127.0.0.1:9999/', null]) {
      const result = await ipc.invoke('qm:runs.get', url, { runId: '2026-11-21T10-00-00Z-ab12' });
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(runsGet).not.toHaveBeenCalled();
  });

  it('passes "ready" on only from our page', () => {
    ipc.send('qm:ready', 'https://evil.example/');
    expect(onReady).not.toHaveBeenCalled();
    ipc.send('qm:ready', APP_PAGE);
    expect(onReady).toHaveBeenCalledOnce();
  });

  it('removes every channel it registered', () => {
    unregister();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.listeners.get('qm:ready')).toEqual([]);
  });
});
