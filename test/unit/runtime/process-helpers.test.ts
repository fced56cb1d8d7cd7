import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { classifyExit } from '../../../core/process/node-process-launcher.ts';
import { createTail, lineSplitter, workerEnv } from '../../../core/process/process-launcher.ts';
import { workerPort } from '../../../core/process/worker-port.ts';

describe('classifyExit', () => {
  const base = { sawV8Oom: false, killedByUs: false, kernelOomKill: false };
  it('tells clean exits, crashes, kills and out-of-memory apart', () => {
    expect(classifyExit(0, null, base)).toBe('clean');
    expect(classifyExit(3, null, base)).toBe('crashed');
    expect(classifyExit(null, 'SIGKILL', base)).toBe('killed');
    expect(classifyExit(null, 'SIGABRT', { ...base, sawV8Oom: true })).toBe('oom');
    expect(classifyExit(134, null, { ...base, sawV8Oom: true })).toBe('oom');
    expect(classifyExit(null, 'SIGABRT', base)).toBe('killed');
    expect(classifyExit(null, 'SIGKILL', { ...base, kernelOomKill: true })).toBe('oom');
    expect(classifyExit(null, 'SIGKILL', { ...base, kernelOomKill: true, killedByUs: true })).toBe('killed');
  });
});

describe('process helpers', () => {
  it('strips credentials from the job environment', () => {
    const env = workerEnv({ PATH: '/bin', MASSIVE_API_KEY: 'k', POLYGON_API_KEY: 'p', MASSIVE_S3_SECRET_ACCESS_KEY: 's', AWS_SECRET_ACCESS_KEY: 'a', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    expect(env).toEqual({ PATH: '/bin', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  });

  it('splits streams into lines and keeps a bounded tail', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('a\nb');
    s.push('c\r\n\nd');
    s.end();
    expect(lines).toEqual(['a', 'bc', 'd']);
    const t = createTail(5);
    t.push('hello world');
    expect(t.text()).toBe('world');
  });
});

describe('workerPort', () => {
  it('uses process.parentPort under Electron, unwrapping message events', () => {
    const parentPort = Object.assign(new EventEmitter(), { postMessage: vi.fn() });
    const port = workerPort({ parentPort } as unknown as NodeJS.Process);
    const got: unknown[] = [];
    port.onMessage((m) => got.push(m));
    parentPort.emit('message', { data: { type: 'start' } });
    port.postMessage({ type: 'ready' });
    expect(port.kind).toBe('electron');
    expect(got).toEqual([{ type: 'start' }]);
    expect(parentPort.postMessage).toHaveBeenCalledWith({ type: 'ready' });
  });

  it('uses process.send under child_process and refuses to run without a parent', () => {
    const proc = Object.assign(new EventEmitter(), { connected: true, send: vi.fn((_m, _h, _o, cb: () => void) => cb()) });
    const port = workerPort(proc as unknown as NodeJS.Process);
    port.postMessage({ type: 'ready' });
    expect(port.kind).toBe('node');
    expect(proc.send).toHaveBeenCalled();
    const got: unknown[] = [];
    port.onMessage((m) => got.push(m));
    proc.emit('message', { type: 'cancel' });
    expect(got).toEqual([{ type: 'cancel' }]);
    expect(() => workerPort(new EventEmitter() as unknown as NodeJS.Process)).toThrow(/job worker/);
  });
});
