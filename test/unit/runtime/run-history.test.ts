import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRuns, parseJournal, readRun, reconstructRun } from '../../../core/runtime/run-history.ts';
import { isRunId, newRunId, openRunJournal } from '../../../core/runtime/run-journal.ts';

let root: string;
beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-runs-'));
});
afterEach(async () => {
  await fs.promises.rm(root, { recursive: true, force: true });
});

const jobs = [
  { id: 'download-stocks_daily-2026-11-20', kind: 'download' as const, dataset: 'stocks_daily', date: '2026-11-20' },
  { id: 'ingest-stocks_daily-2026-11-20', kind: 'ingest' as const, dataset: 'stocks_daily', date: '2026-11-20', dependsOn: ['download-stocks_daily-2026-11-20'] },
];

describe('run ids', () => {
  it('sort by time and look like 2026-11-21T22-10-05Z-ab12', () => {
    const id = newRunId(new Date('2026-11-21T22:10:05.123Z'));
    expect(id).toMatch(/^2026-11-21T22-10-05Z-[0-9a-f]{4}$/);
    expect(isRunId(id)).toBe(true);
    expect(isRunId('../../etc/passwd')).toBe(false);
    expect(newRunId(new Date('2026-11-21T22:10:06Z')) > id).toBe(true);
  });
});

describe('run journal and history', () => {
  it('reconstructs a finished run from its lines', async () => {
    const runId = '2026-11-21T22-10-05Z-ab12';
    const j = openRunJournal(root, runId);
    j.append({ type: 'run.started', runId, pid: process.pid, host: os.hostname(), command: 'quantmini update', jobs });
    j.append({ type: 'job.started', jobId: jobs[0]!.id, attempt: 1, pid: 1 });
    j.append({ type: 'job.crashed', jobId: jobs[0]!.id, crash: { attempt: 1, reason: 'killed', code: null, signal: 'SIGKILL' } });
    j.append({ type: 'job.retry', jobId: jobs[0]!.id, attempt: 1, delayMs: 10, reason: 'was killed' });
    j.append({ type: 'job.started', jobId: jobs[0]!.id, attempt: 2, pid: 2 });
    j.append({ type: 'job.finished', jobId: jobs[0]!.id, state: 'complete', attempts: 2, durationMs: 900, bytes: 1234, crashes: [{ attempt: 1, reason: 'killed', code: null, signal: 'SIGKILL' }], warnings: [], memoryRequeues: 0 });
    j.append({ type: 'job.finished', jobId: jobs[1]!.id, state: 'complete', attempts: 1, durationMs: 500, rows: 99, crashes: [], warnings: [], memoryRequeues: 0 });
    j.append({ type: 'run.finished', state: 'complete', durationMs: 1500, counts: { complete: 2 }, bytesDownloaded: 1234 });
    j.jobLog(jobs[0]!.id, 'a line');
    await j.close();
    const run = await readRun(root, runId);
    expect(run).toMatchObject({ runId, state: 'complete', durationMs: 1500, bytesDownloaded: 1234, counts: { complete: 2 } });
    expect(run!.jobs[0]).toMatchObject({ state: 'complete', attempts: 2, bytes: 1234, crashes: [{ reason: 'killed' }] });
    expect(run!.jobs[1]).toMatchObject({ state: 'complete', rows: 99 });
    expect(fs.readFileSync(path.join(root, 'metadata/runs', runId, `${jobs[0]!.id}.log`), 'utf8')).toBe('a line\n');
  });

  it('shows a run whose process died as interrupted, and skips a torn last line', () => {
    const text = [
      JSON.stringify({ t: '2026-11-21T22:10:05.000Z', type: 'run.started', runId: 'r', pid: 999999, host: os.hostname(), command: 'c', jobs }),
      JSON.stringify({ t: '2026-11-21T22:10:06.000Z', type: 'job.started', jobId: jobs[0]!.id, attempt: 1, pid: 5 }),
      '{"t":"2026-11-21T22:10:07.000Z","type":"job.fin',
    ].join('\n');
    const entries = parseJournal(text);
    expect(entries).toHaveLength(2);
    const run = reconstructRun(entries, () => false)!;
    expect(run.state).toBe('interrupted');
    expect(run.jobs.map((j) => j.state)).toEqual(['interrupted', 'interrupted']);
    expect(run.finishedAt).toBe('2026-11-21T22:10:06.000Z');
    expect(reconstructRun(entries, () => true)!.state).toBe('running');
  });

  it('trusts a live pid only while the lake lock names that run', async () => {
    const runId = '2026-11-21T22-10-05Z-cafe';
    const j = openRunJournal(root, runId);
    j.append({ type: 'run.started', runId, pid: process.pid, host: os.hostname(), command: 'c', jobs });
    await j.close();
    const lock = (owner: object) => fs.writeFileSync(path.join(root, '.lock'), JSON.stringify({ host: os.hostname(), command: 'c', startedAt: '', ...owner }));
    lock({ pid: process.pid, runId });
    expect((await readRun(root, runId))!.state).toBe('running');
    // Same live pid, but the lock now belongs to a newer run: this one died and the pid was reused.
    lock({ pid: process.pid, runId: '2026-11-21T23-00-00Z-beef' });
    expect((await readRun(root, runId))!.state).toBe('interrupted');
    fs.rmSync(path.join(root, '.lock'));
    expect((await readRun(root, runId))!.state).toBe('running');
  });

  it('lists runs newest first and ignores foreign files', async () => {
    for (const id of ['2026-11-20T10-00-00Z-0001', '2026-11-21T10-00-00Z-0002', '2026-11-19T10-00-00Z-0003']) {
      const j = openRunJournal(root, id);
      j.append({ type: 'run.started', runId: id, pid: process.pid, host: os.hostname(), command: 'c', jobs: [] });
      j.append({ type: 'run.finished', state: 'complete', durationMs: 1, counts: {}, bytesDownloaded: 0 });
      await j.close();
    }
    fs.writeFileSync(path.join(root, 'metadata/runs/notes.txt'), 'x');
    const runs = await listRuns(root, 2);
    expect(runs.map((r) => r.runId)).toEqual(['2026-11-21T10-00-00Z-0002', '2026-11-20T10-00-00Z-0001']);
    expect(await listRuns(path.join(root, 'nowhere'))).toEqual([]);
    expect(await readRun(root, '2026-01-01T00-00-00Z-ffff')).toBeNull();
  });
});
