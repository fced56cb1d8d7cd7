import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobKind, SupervisedJob } from '../../../core/runtime/job-types.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { listRuns, readJobLog, readRun } from '../../../core/runtime/run-history.ts';
import type { SupervisorEvent } from '../../../core/runtime/supervisor-events.ts';
import { createSupervisor, type SupervisorOptions } from '../../../core/runtime/supervisor.ts';
import type { FixtureAction } from './fixtures/test-worker.ts';

const ENTRY = fileURLToPath(new URL('./fixtures/test-worker.ts', import.meta.url));

let root: string;
beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-supervisor-'));
});
afterEach(async () => {
  await fs.promises.rm(root, { recursive: true, force: true });
});

function job(id: string, attempts: FixtureAction[], extra: Partial<SupervisedJob> & { kind?: JobKind; partition?: string } = {}): SupervisedJob {
  const { partition, ...rest } = extra;
  const kind = extra.kind ?? 'download';
  return {
    id,
    kind,
    resource: kind === 'download' ? 'network' : 'compute',
    dataset: 'stocks_daily',
    layer: kind === 'download' ? 'landing' : 'bronze',
    date: '2026-11-20',
    dates: ['2026-11-20'],
    partitions: [partition ?? `p/${id}`],
    entry: ENTRY,
    payload: { counterFile: path.join(root, `${id}.count`), attempts },
    ...rest,
  };
}

function supervisor(over: Partial<SupervisorOptions> = {}) {
  const events: SupervisorEvent[] = [];
  const sup = createSupervisor({
    lakeRoot: root,
    launcher: createNodeProcessLauncher(),
    limits: { network: 2, compute: 1, maxParallel: 3 },
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    cancelGraceMs: 2000,
    command: 'test',
    ...over,
  });
  sup.on((e) => events.push(e));
  return { sup, events };
}

describe('supervisor with real job processes', () => {
  it('records a crash with its exit code, retries it and completes the run', async () => {
    const { sup, events } = supervisor();
    const summary = await sup.run([job('crashy', [{ do: 'exit', code: 3 }, { do: 'ok' }])]);
    expect(summary.state).toBe('complete');
    const j = summary.jobs[0]!;
    expect(j.state).toBe('complete');
    expect(j.attempts).toBe(2);
    expect(j.crashes).toEqual([expect.objectContaining({ attempt: 1, reason: 'crashed', code: 3, signal: null, detail: 'fixture exiting with 3' })]);
    expect(events.find((e) => e.type === 'job.crashed')).toMatchObject({ willRetry: true });
    const run = await readRun(root, sup.runId);
    expect(run).toMatchObject({ state: 'complete', jobs: [{ id: 'crashy', state: 'complete', attempts: 2 }] });
    expect(run!.jobs[0]!.crashes[0]).toMatchObject({ reason: 'crashed', code: 3 });
  });

  it('records a SIGKILL from outside as killed, retries and completes', async () => {
    const { sup, events } = supervisor();
    let killed = false;
    sup.on((e) => {
      // Kill the first attempt once it is visibly working.
      if (e.type === 'job.progress' && !killed) {
        const started = events.find((x) => x.type === 'job.started');
        if (started?.type === 'job.started' && started.pid) {
          killed = true;
          process.kill(started.pid, 'SIGKILL');
        }
      }
    });
    const summary = await sup.run([job('victim', [{ do: 'ok', sleepMs: 3000 }, { do: 'ok', sleepMs: 50 }])]);
    expect(killed).toBe(true);
    expect(summary.state).toBe('complete');
    expect(summary.jobs[0]).toMatchObject({ state: 'complete', attempts: 2 });
    expect(summary.jobs[0]!.crashes).toEqual([expect.objectContaining({ reason: 'killed', signal: 'SIGKILL', code: null })]);
  });

  it('tells a V8 heap out-of-memory crash apart and gives up after maxAttempts', async () => {
    const { sup } = supervisor({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
    const summary = await sup.run([job('hog', [{ do: 'oom' }], { kind: 'ingest', maxHeapMb: 32 })]);
    expect(summary.state).toBe('failed');
    const j = summary.jobs[0]!;
    expect(j.state).toBe('failed');
    expect(j.attempts).toBe(2);
    expect(j.crashes.map((c) => c.reason)).toEqual(['oom', 'oom']);
    expect(j.error).toMatch(/ran out of memory.*attempt 2 of 2/);
  }, 60_000);

  it('retries failed results but not not_entitled, and skips the dependent ingest', async () => {
    const { sup } = supervisor();
    const summary = await sup.run([
      job('dl-a', [{ do: 'throw', message: 'connection reset' }, { do: 'ok' }]),
      job('dl-b', [{ do: 'ok', outcome: 'not_entitled' }]),
      job('in-a', [{ do: 'ok', rows: 42 }], { kind: 'ingest', dependsOn: ['dl-a'] }),
      job('in-b', [{ do: 'ok' }], { kind: 'ingest', dependsOn: ['dl-b'] }),
    ]);
    const by = Object.fromEntries(summary.jobs.map((j) => [j.id, j]));
    expect(by['dl-a']).toMatchObject({ state: 'complete', attempts: 2 });
    expect(by['dl-b']).toMatchObject({ state: 'not_entitled', attempts: 1 });
    expect(by['in-a']).toMatchObject({ state: 'complete', rows: 42 });
    expect(by['in-b']).toMatchObject({ state: 'skipped', attempts: 0, error: 'dl-b ended not_entitled' });
    expect(summary.state).toBe('complete');
    expect(fs.existsSync(path.join(root, 'in-b.count'))).toBe(false);
  });

  it('cancels a running job, and kills one that ignores the cancel after the grace period', async () => {
    const { sup, events } = supervisor({ cancelGraceMs: 500 });
    sup.on((e) => {
      if (e.type === 'job.started') setTimeout(() => sup.cancel(e.jobId), 400);
    });
    const t0 = Date.now();
    const summary = await sup.run([
      job('polite', [{ do: 'ok', sleepMs: 20_000 }]),
      job('stubborn', [{ do: 'ignore-cancel', sleepMs: 20_000 }]),
    ]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(summary.state).toBe('complete');
    expect(summary.jobs.map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
    expect(summary.jobs.every((j) => j.attempts === 1)).toBe(true);
    expect(events.filter((e) => e.type === 'job.crashed')).toHaveLength(0);
  });

  it('a job cancelled while its process boots exits at once instead of waiting to be killed', async () => {
    const { sup } = supervisor({ cancelGraceMs: 30_000 });
    sup.on((e) => {
      if (e.type === 'job.started') sup.cancel(e.jobId);
    });
    const t0 = Date.now();
    const summary = await sup.run([job('early', [{ do: 'ok', sleepMs: 20_000 }])]);
    expect(summary.jobs[0]).toMatchObject({ state: 'cancelled', attempts: 1, crashes: [] });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(fs.existsSync(path.join(root, 'early.count'))).toBe(false);
  });

  it('cancels a whole run: queued jobs never start', async () => {
    const { sup } = supervisor({ limits: { network: 1, compute: 1, maxParallel: 1 } });
    sup.on((e) => {
      if (e.type === 'job.started') sup.cancelRun();
    });
    const summary = await sup.run([job('a', [{ do: 'ok', sleepMs: 20_000 }]), job('b', [{ do: 'ok' }]), job('c', [{ do: 'ok' }])]);
    expect(summary.state).toBe('cancelled');
    expect(summary.jobs.map((j) => [j.id, j.state, j.attempts])).toEqual([
      ['a', 'cancelled', 1],
      ['b', 'cancelled', 0],
      ['c', 'cancelled', 0],
    ]);
  });

  it('respects per-kind limits and one writer per partition', async () => {
    const { sup, events } = supervisor({ limits: { network: 2, compute: 1, maxParallel: 3 } });
    let running = 0;
    let maxDownloads = 0;
    const live = new Map<string, string>();
    const partitionsSeen: string[] = [];
    sup.on((e) => {
      if (e.type === 'job.started') {
        const kind = e.jobId.startsWith('d') ? 'download' : 'ingest';
        live.set(e.jobId, kind);
        running = [...live.values()].filter((k) => k === 'download').length;
        maxDownloads = Math.max(maxDownloads, running);
        partitionsSeen.push(e.jobId);
      }
      if (e.type === 'job.finished') live.delete(e.job.id);
    });
    const summary = await sup.run([
      job('d1', [{ do: 'ok', sleepMs: 300 }]),
      job('d2', [{ do: 'ok', sleepMs: 300 }]),
      job('d3', [{ do: 'ok', sleepMs: 300 }]),
      // Same partition as d1: must wait for d1 even though a download slot is free.
      job('d4', [{ do: 'ok', sleepMs: 50 }], { partition: 'p/d1' }),
    ]);
    expect(summary.state).toBe('complete');
    expect(maxDownloads).toBe(2);
    const d1Finished = events.findIndex((e) => e.type === 'job.finished' && e.job.id === 'd1');
    const d4Started = events.findIndex((e) => e.type === 'job.started' && e.jobId === 'd4');
    expect(d4Started).toBeGreaterThan(d1Finished);
  });

  it('fans out progress with rate and ETA, keeps warnings, and writes per-job logs', async () => {
    const { sup, events } = supervisor();
    const summary = await sup.run([job('prog', [{ do: 'ok', sleepMs: 1500, bytes: 10_000_000 }])]);
    const progress = events.filter((e): e is Extract<SupervisorEvent, { type: 'job.progress' }> => e.type === 'job.progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.some((p) => (p.progress.bytesPerSecond ?? 0) > 0)).toBe(true);
    expect(progress.some((p) => p.progress.etaSeconds !== undefined)).toBe(true);
    expect(summary.jobs[0]!.warnings).toEqual(['halfway warning']);
    expect(events.some((e) => e.type === 'run.progress' && e.progress.jobsDone === 1 && e.progress.fraction === 1)).toBe(true);
    const log = await readJobLog(root, sup.runId, 'prog');
    expect(log).toMatch(/info\s+fixture attempt 1/);
  });

  it('scrubs secrets from job logs, stderr lines and errors', async () => {
    const secret = 'AKIASECRETVALUE123';
    const { sup } = supervisor({ secrets: [secret], retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    const summary = await sup.run([job('leaky', [{ do: 'log-secret', secret }])]);
    expect(summary.jobs[0]!.error).toBe('failed with ***');
    const log = (await readJobLog(root, sup.runId, 'leaky'))!;
    expect(log).toContain('the secret is ***');
    expect(log).toContain('[stderr] stderr also has ***');
    const journal = await fs.promises.readFile(summary.journal, 'utf8');
    expect(journal + log).not.toContain(secret);
  });

  it('counts a process that never says ready as crashed once the start timeout passes', async () => {
    const { sup } = supervisor({ startTimeoutMs: 1500, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    const silent = fileURLToPath(new URL('./fixtures/silent-worker.ts', import.meta.url));
    const summary = await sup.run([job('mute', [{ do: 'ok' }], { entry: silent })]);
    expect(summary.jobs[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(summary.jobs[0]!.crashes[0]).toMatchObject({ reason: 'crashed', signal: 'SIGKILL', detail: 'did not start within 1500 ms' });
  });

  it('journals one line per state change and lists runs newest first', async () => {
    const first = supervisor({ runId: '2026-01-01T00-00-00Z-aaaa' });
    await first.sup.run([job('x', [{ do: 'ok' }])]);
    const second = supervisor({ runId: '2026-01-02T00-00-00Z-bbbb' });
    await second.sup.run([]);
    const lines = (await fs.promises.readFile(path.join(root, 'metadata/runs/2026-01-01T00-00-00Z-aaaa.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['run.started', 'job.started', 'job.finished', 'run.finished']);
    const runs = await listRuns(root, 10);
    expect(runs.map((r) => [r.runId, r.state, r.jobs.length])).toEqual([
      ['2026-01-02T00-00-00Z-bbbb', 'complete', 0],
      ['2026-01-01T00-00-00Z-aaaa', 'complete', 1],
    ]);
  });
});
