import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobKind, SupervisedJob } from '../../../core/runtime/job-types.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { readRun } from '../../../core/runtime/run-history.ts';
import type { SupervisorEvent } from '../../../core/runtime/supervisor-events.ts';
import { createSupervisor } from '../../../core/runtime/supervisor.ts';
import { createMemoryMonitor, type MemoryMonitor } from '../../../core/system/memory-monitor.ts';
import type { MemorySource } from '../../../core/system/memory-source.ts';
import type { FixtureAction } from './fixtures/test-worker.ts';

const ENTRY = fileURLToPath(new URL('./fixtures/test-worker.ts', import.meta.url));
const GiB = 2 ** 30;

let root: string;
let monitor: MemoryMonitor;
let usedPercent = 10;
const rssSeen: number[][] = [];

/** A machine whose memory use the test sets; job RSS is reported as 64 MB each. */
const source: MemorySource = {
  system: async () => ({ totalBytes: 100 * GiB, availableBytes: ((100 - usedPercent) / 100) * 100 * GiB }),
  processRss: async (pids) => {
    rssSeen.push([...pids]);
    return new Map(pids.map((p) => [p, 64e6]));
  },
};

beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-memory-'));
  usedPercent = 10;
  monitor = createMemoryMonitor({ source, thresholds: { warningPercent: 75, criticalPercent: 85 }, intervalMs: 50 });
  monitor.start();
});
afterEach(async () => {
  monitor.stop();
  await fs.promises.rm(root, { recursive: true, force: true });
});

function job(id: string, kind: JobKind, attempts: FixtureAction[]): SupervisedJob {
  return {
    id, kind, resource: kind === 'download' ? 'network' : 'compute', dataset: 'stocks_minute', layer: kind === 'download' ? 'landing' : 'bronze',
    date: '2026-11-20', dates: ['2026-11-20'], partitions: [`p/${id}`], entry: ENTRY, payload: { counterFile: path.join(root, `${id}.count`), attempts },
  };
}

function run(jobs: SupervisedJob[], criticalGraceMs = 300) {
  const events: Array<SupervisorEvent & { at: number }> = [];
  const sup = createSupervisor({
    lakeRoot: root,
    launcher: createNodeProcessLauncher(),
    limits: { network: 3, compute: 3, maxParallel: 6 },
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    memory: monitor,
    criticalGraceMs,
    cancelGraceMs: 2000,
  });
  sup.on((e) => events.push({ ...e, at: Date.now() }));
  return { sup, events, done: sup.run(jobs) };
}

const startsOf = (events: Array<SupervisorEvent & { at: number }>) =>
  events.filter((e): e is Extract<SupervisorEvent, { type: 'job.started' }> & { at: number } => e.type === 'job.started');

/** Linux process state letter from /proc (T = stopped). */
function procState(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.slice(0, 1);
}

describe('memory pressure gates the supervisor', () => {
  it('starts no job at warning while another runs, and everything once pressure drops', async () => {
    usedPercent = 78;
    await monitor.sample();
    const { events, done } = run([
      job('a', 'download', [{ do: 'ok', sleepMs: 1500 }]),
      job('b', 'download', [{ do: 'ok', sleepMs: 100 }]),
      job('c', 'ingest', [{ do: 'ok', sleepMs: 100 }]),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    // Only the first job runs: with nothing running, one job may start so the run cannot stall forever.
    expect(startsOf(events).map((e) => e.jobId)).toEqual(['a']);
    expect(events.some((e) => e.type === 'run.waiting' && e.level === 'warning')).toBe(true);
    const releasedAt = Date.now();
    usedPercent = 40;
    const summary = await done;
    expect(summary.state).toBe('complete');
    const starts = startsOf(events);
    expect(starts.map((e) => e.jobId)).toEqual(['a', 'b', 'c']);
    expect(starts[1]!.at).toBeGreaterThanOrEqual(releasedAt);
    expect(starts[2]!.at).toBeGreaterThanOrEqual(releasedAt);
  });

  it('starts nothing at all at critical', async () => {
    usedPercent = 90;
    await monitor.sample();
    const { events, done } = run([job('a', 'download', [{ do: 'ok' }]), job('b', 'ingest', [{ do: 'ok' }])]);
    await new Promise((r) => setTimeout(r, 800));
    expect(startsOf(events)).toHaveLength(0);
    expect(events.some((e) => e.type === 'run.waiting' && e.level === 'critical')).toBe(true);
    usedPercent = 50;
    expect((await done).state).toBe('complete');
  });

  it('pauses downloads at critical and stops then requeues the newest heavy job when critical lasts', async () => {
    const { sup, events, done } = run([
      job('dl', 'download', [{ do: 'ok', sleepMs: 3500 }]),
      job('old-ingest', 'ingest', [{ do: 'ok', sleepMs: 3500 }]),
      job('new-ingest', 'ingest', [{ do: 'ok', sleepMs: 3500 }, { do: 'ok', sleepMs: 100 }]),
    ], 1000);
    // Wait until all three are working (a loaded machine can take a second to boot a worker).
    const working = () => new Set(events.filter((e) => e.type === 'job.progress').map((e) => (e.type === 'job.progress' ? e.jobId : '')));
    while (working().size < 3) await new Promise((r) => setTimeout(r, 20));
    const criticalAt = Date.now();
    usedPercent = 90;
    // Downloads pause (SIGSTOP) as soon as a critical sample arrives.
    while (!events.some((e) => e.type === 'job.paused')) await new Promise((r) => setTimeout(r, 20));
    const dlStart = startsOf(events).find((e) => e.jobId === 'dl')!;
    // SIGSTOP is asynchronous: the kernel may report the process running for a moment after the event.
    await expect.poll(() => procState(dlStart.pid!), { timeout: 3000, interval: 20 }).toBe('T');
    // After the grace period the newest heavy job is stopped and requeued, not failed.
    const requeues = () => events.filter((e) => e.type === 'job.queued' && e.reason?.includes('memory'));
    while (requeues().length === 0) await new Promise((r) => setTimeout(r, 20));
    const first = requeues()[0]!;
    expect(first.type === 'job.queued' && first.job.id).toBe('new-ingest');
    expect(first.at - criticalAt).toBeGreaterThanOrEqual(1000);
    // Down to warning: downloads resume, but nothing new starts while jobs run.
    usedPercent = 80;
    await new Promise((r) => setTimeout(r, 600));
    expect(events.some((e) => e.type === 'job.resumed' && e.jobId === 'dl')).toBe(true);
    await expect.poll(() => procState(dlStart.pid!), { timeout: 3000, interval: 20 }).not.toBe('T');
    expect(startsOf(events).filter((e) => e.jobId === 'new-ingest')).toHaveLength(1);
    expect(requeues()).toHaveLength(1);
    const memEvent = events.find((e) => e.type === 'system.memory' && e.sample.processes.length === 3);
    expect(memEvent?.type === 'system.memory' && memEvent.sample.processes.map((p) => p.label).sort()).toEqual(['dl', 'new-ingest', 'old-ingest']);
    usedPercent = 30;
    const summary = await done;
    expect(summary.state).toBe('complete');
    const by = Object.fromEntries(summary.jobs.map((j) => [j.id, j]));
    expect(by['new-ingest']).toMatchObject({ state: 'complete', attempts: 1, memoryRequeues: 1, crashes: [] });
    expect(by['old-ingest']).toMatchObject({ state: 'complete', attempts: 1, memoryRequeues: 0 });
    expect(by['dl']).toMatchObject({ state: 'complete', attempts: 1 });
    const record = await readRun(root, sup.runId);
    expect(record!.jobs.find((j) => j.id === 'new-ingest')).toMatchObject({ memoryRequeues: 1, state: 'complete' });
    expect(rssSeen.some((pids) => pids.length === 3)).toBe(true);
  });
});
