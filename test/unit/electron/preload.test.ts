import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const rendererListeners = new Map<string, Array<(...args: unknown[]) => void>>();
  return {
    exposed,
    rendererListeners,
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) },
    ipcRenderer: {
      invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
      send: vi.fn(),
      on: vi.fn((channel: string, fn: (...args: unknown[]) => void) => rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), fn])),
      removeListener: vi.fn((channel: string, fn: unknown) => rendererListeners.set(channel, (rendererListeners.get(channel) ?? []).filter((f) => f !== fn))),
    },
  };
});

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

await import('../../../electron/preload.ts');

type Bridge = {
  invoke(name: string, input: unknown): Promise<unknown>;
  onEvent(cb: (name: string, payload: unknown) => void): () => void;
  ready(): void;
};

describe('preload (electron mocked)', () => {
  const api = electron.exposed.quantmini as Bridge;

  it('exposes only window.quantmini with invoke, onEvent and ready', () => {
    expect(Object.keys(electron.exposed)).toEqual(['quantmini']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent', 'ready']);
  });

  it('refuses an unknown request without touching IPC', async () => {
    electron.ipcRenderer.invoke.mockClear();
    expect(await api.invoke('fs.readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'forbidden', message: 'unknown request "fs.readFile"' } });
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('sends a known request on its own channel', async () => {
    expect(await api.invoke('lake.list', { path: '' })).toEqual({ ok: true, value: { channel: 'qm:lake.list', input: { path: '' } } });
  });

  it('delivers events as (name, payload) and never leaks the IPC event object', () => {
    const seen: unknown[][] = [];
    const stop = api.onEvent((...args) => seen.push(args));
    const [listener] = electron.rendererListeners.get('qm:event')!;
    listener!({ sender: 'secret ipc object' }, { name: 'job.progress', payload: { jobId: 'j1' } });
    expect(seen).toEqual([['job.progress', { jobId: 'j1' }]]);
    stop();
    expect(electron.rendererListeners.get('qm:event')).toEqual([]);
  });

  it('says ready on the ready channel', () => {
    api.ready();
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith('qm:ready');
  });
});
