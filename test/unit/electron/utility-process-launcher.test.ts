import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExitInfo } from '../../../core/process/process-launcher.ts';

/** A stand-in for Electron's UtilityProcess: an emitter with pid, stdio streams, postMessage and kill. */
class FakeChild extends EventEmitter {
  pid: number | undefined = 4242;
  stdout = new PassThrough();
  stderr = new PassThrough();
  postMessage = vi.fn();
  kill = vi.fn(() => true);
}

const state = vi.hoisted(() => ({
  children: [] as Array<{ modulePath: string; args: string[]; options: Record<string, unknown>; child: unknown }>,
  goneListeners: [] as Array<(event: unknown, details: unknown) => void>,
}));

vi.mock('electron', () => ({
  utilityProcess: {
    fork: vi.fn((modulePath: string, args: string[], options: Record<string, unknown>) => {
      const child = new FakeChild();
      state.children.push({ modulePath, args, options, child });
      return child;
    }),
  },
  app: {
    on: vi.fn((event: string, listener: (event: unknown, details: unknown) => void) => {
      if (event === 'child-process-gone') state.goneListeners.push(listener);
    }),
    off: vi.fn(),
  },
}));

const { createUtilityProcessLauncher, reasonFromGone } = await import('../../../electron/utility-process-launcher.ts');

const gone = (details: Record<string, unknown>) => state.goneListeners.forEach((l) => l({}, { type: 'Utility', exitCode: 0, ...details }));
const exited = (launched: { onExit(cb: (i: ExitInfo) => void): void }) => new Promise<ExitInfo>((resolve) => launched.onExit(resolve));

beforeEach(() => {
  state.children.length = 0;
  state.goneListeners.length = 0;
});

describe('Electron utility-process launcher', () => {
  it('forks one utility process per job with its serviceName, piped stdio and no secrets in env', () => {
    process.env.MASSIVE_S3_SECRET_ACCESS_KEY = 'do-not-pass';
    try {
      const launcher = createUtilityProcessLauncher();
      launcher.launch({ serviceName: 'quantmini-download-stocks_daily-2026-11-20', entry: '/app/dist/job-worker.js', jobId: 'download-stocks_daily-2026-11-20', maxHeapMb: 512 });
      launcher.launch({ serviceName: 'quantmini-ingest-stocks_daily-2026-11-20', entry: '/app/dist/job-worker.js', jobId: 'ingest-stocks_daily-2026-11-20' });
      expect(state.children.map((c) => c.options.serviceName)).toEqual(['quantmini-download-stocks_daily-2026-11-20', 'quantmini-ingest-stocks_daily-2026-11-20']);
      const first = state.children[0]!;
      expect(first.modulePath).toBe('/app/dist/job-worker.js');
      expect(first.options).toMatchObject({ stdio: 'pipe', execArgv: ['--max-old-space-size=512'] });
      const env = first.options.env as Record<string, string>;
      expect(env.QUANTMINI_SERVICE_NAME).toBe('quantmini-download-stocks_daily-2026-11-20');
      expect(env.MASSIVE_S3_SECRET_ACCESS_KEY).toBeUndefined();
    } finally {
      delete process.env.MASSIVE_S3_SECRET_ACCESS_KEY;
    }
  });

  it('passes messages both ways and reports output lines', () => {
    const launched = createUtilityProcessLauncher().launch({ serviceName: 's1', entry: '/w.js', jobId: 'j1' });
    const child = state.children[0]!.child as FakeChild;
    const got: unknown[] = [];
    const lines: string[] = [];
    launched.onMessage((m) => got.push(m));
    launched.onOutput((l, s) => lines.push(`${s}:${l}`));
    child.emit('message', { type: 'ready' });
    launched.postMessage({ type: 'start', jobId: 'j1', spec: { secret: 'only-over-ipc' } });
    child.stderr.write('warning one\nwarn');
    child.stderr.write('ing two\n');
    expect(got).toEqual([{ type: 'ready' }]);
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'start', jobId: 'j1', spec: { secret: 'only-over-ipc' } });
    expect(lines).toEqual(['stderr:warning one', 'stderr:warning two']);
    expect(launched.pid).toBe(4242);
  });

  it('reports a clean exit at once and a crash with its exit code', async () => {
    const launcher = createUtilityProcessLauncher();
    const ok = launcher.launch({ serviceName: 'ok', entry: '/w.js', jobId: 'ok' });
    (state.children[0]!.child as FakeChild).emit('exit', 0);
    expect(await exited(ok)).toMatchObject({ code: 0, reason: 'clean' });
    const bad = launcher.launch({ serviceName: 'bad', entry: '/w.js', jobId: 'bad' });
    const child = state.children[1]!.child as FakeChild;
    child.stderr.write('Error: boom\n');
    child.emit('exit', 3);
    const info = await exited(bad);
    expect(info).toMatchObject({ code: 3, reason: 'crashed', signal: null });
    expect(info.stderrTail).toContain('Error: boom');
  });

  it("takes the crash reason from app's child-process-gone, whichever event comes first", async () => {
    const launcher = createUtilityProcessLauncher();
    const a = launcher.launch({ serviceName: 'quantmini-ingest-a', entry: '/w.js', jobId: 'a' });
    const b = launcher.launch({ serviceName: 'quantmini-ingest-b', entry: '/w.js', jobId: 'b' });
    // exit first, then gone (matched by name = our serviceName)
    (state.children[0]!.child as FakeChild).emit('exit', 9);
    gone({ reason: 'oom', exitCode: 9, name: 'quantmini-ingest-a', serviceName: 'node.mojom.NodeService' });
    expect(await exited(a)).toMatchObject({ code: 9, reason: 'oom' });
    // gone first, then exit
    gone({ reason: 'killed', exitCode: 9, name: 'quantmini-ingest-b' });
    (state.children[1]!.child as FakeChild).emit('exit', 9);
    expect(await exited(b)).toMatchObject({ reason: 'killed' });
    // Other process types are not ours.
    const c = launcher.launch({ serviceName: 'quantmini-ingest-c', entry: '/w.js', jobId: 'c' });
    state.goneListeners.forEach((l) => l({}, { type: 'GPU', reason: 'oom', exitCode: 1, name: 'quantmini-ingest-c' }));
    (state.children[2]!.child as FakeChild).emit('exit', 1);
    expect(await exited(c)).toMatchObject({ reason: 'crashed' });
  });

  it('detects a V8 heap OOM from stderr when Electron reports no reason', async () => {
    const launched = createUtilityProcessLauncher().launch({ serviceName: 'hog', entry: '/w.js', jobId: 'hog' });
    const child = state.children[0]!.child as FakeChild;
    child.stderr.write('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
    child.emit('exit', 133);
    expect(await exited(launched)).toMatchObject({ reason: 'oom', code: 133 });
  });

  it('kills with utilityProcess.kill, and sends other signals to the pid', () => {
    const launched = createUtilityProcessLauncher().launch({ serviceName: 'k', entry: '/w.js', jobId: 'k' });
    const child = state.children[0]!.child as FakeChild;
    const spy = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      launched.kill('SIGSTOP');
      launched.kill('SIGKILL');
      launched.kill();
      expect(spy.mock.calls).toEqual([[4242, 'SIGSTOP'], [4242, 'SIGKILL']]);
      expect(child.kill).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('maps every Electron reason', () => {
    expect(['clean-exit', 'abnormal-exit', 'killed', 'crashed', 'oom', 'launch-failed', 'integrity-failure', 'memory-eviction'].map((r) => reasonFromGone(r as never))).toEqual([
      'clean', 'crashed', 'killed', 'crashed', 'oom', 'crashed', 'crashed', 'oom',
    ]);
  });
});
