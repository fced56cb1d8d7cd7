import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { CoverageView, JobView, RunDetailView } from '../../../core/contract/contract-views.ts';
import type { RequestOutputs } from '../../../core/contract/contract.ts';
import { contractKey } from '../../../renderer/api/contract-query.ts';
import { applyCoverageChanges, applyRunEvents } from '../../../renderer/api/event-cache.ts';

const job = (jobId: string, state: JobView['state']): JobView => ({
  jobId,
  kind: 'ingest',
  dataset: 'stocks_daily',
  layer: 'bronze',
  date: '2024-03-28',
  dates: ['2024-03-28'],
  state,
  attempts: 1,
  maxAttempts: 3,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  rows: null,
  bytes: null,
  error: null,
  crashReason: null,
});

const run = (runId: string): RunDetailView => ({
  runId,
  kind: 'update',
  outcome: 'running',
  startedAt: '2024-03-29T15:00:00Z',
  finishedAt: null,
  durationMs: null,
  counts: { queued: 1 },
  jobs: [job('a', 'queued')],
  maxParallel: 1,
  concurrency: null, error: null,
});

const activeKey = contractKey('runs.active', {});
const detailKey = (runId: string) => contractKey('runs.get', { runId });

describe('applyRunEvents', () => {
  it('tracks a run from start through job updates to finish, in order', () => {
    const qc = new QueryClient();
    applyRunEvents(qc, [
      { kind: 'started', run: run('r1') },
      { kind: 'job', runId: 'r1', job: job('a', 'running') },
    ]);
    expect(qc.getQueryData<RequestOutputs['runs.active']>(activeKey)?.run?.jobs[0]?.state).toBe('running');
    expect(qc.getQueryData<RunDetailView>(detailKey('r1'))?.counts).toEqual({ running: 1 });

    // The last job update and run.finished arrive in the same frame: the finish must win.
    const finished = applyRunEvents(qc, [
      { kind: 'job', runId: 'r1', job: job('a', 'complete') },
      { kind: 'finished', summary: { runId: 'r1', kind: 'update', outcome: 'succeeded', startedAt: '2024-03-29T15:00:00Z', finishedAt: '2024-03-29T15:01:00Z', durationMs: 60_000, counts: { complete: 1 }, error: null } },
    ]);
    expect(finished).toEqual(['r1']);
    expect(qc.getQueryData<RequestOutputs['runs.active']>(activeKey)).toEqual({ run: null, progress: [], runProgress: null });
    const detail = qc.getQueryData<RunDetailView>(detailKey('r1'));
    expect(detail?.outcome).toBe('succeeded');
    expect(detail?.jobs[0]?.state).toBe('complete');
    expect(qc.getQueryState(detailKey('r1'))?.isInvalidated).toBe(true);
  });

  it('leaves another run alone', () => {
    const qc = new QueryClient();
    qc.setQueryData(detailKey('old'), run('old'));
    applyRunEvents(qc, [{ kind: 'started', run: run('r2') }, { kind: 'job', runId: 'r2', job: job('a', 'failed') }]);
    expect(qc.getQueryData<RunDetailView>(detailKey('old'))?.jobs[0]?.state).toBe('queued');
    expect(qc.getQueryData<RunDetailView>(detailKey('r2'))?.jobs[0]?.state).toBe('failed');
  });
});

describe('applyCoverageChanges', () => {
  it('repaints every cached range containing the day, in the matching layer only', () => {
    const qc = new QueryClient();
    const view = (layer: 'bronze' | 'landing', from: string, to: string, codes: string): CoverageView => ({ from, to, layer, elapsedMs: 1, rows: [{ dataset: 'stocks_daily', layer, codes, counts: {}, watermark: null }] });
    const k1 = contractKey('lake.coverage', { layer: 'bronze', from: '2024-03-25', to: '2024-03-27' });
    const k2 = contractKey('lake.coverage', { layer: 'landing', from: '2024-03-25', to: '2024-03-27' });
    qc.setQueryData(k1, view('bronze', '2024-03-25', '2024-03-27', '222'));
    qc.setQueryData(k2, view('landing', '2024-03-25', '2024-03-27', '222'));
    applyCoverageChanges(qc, [{ dataset: 'stocks_daily', layer: 'bronze', date: '2024-03-26', state: 'running' }]);
    expect(qc.getQueryData<CoverageView>(k1)?.rows[0]?.codes).toBe('262');
    expect(qc.getQueryData<CoverageView>(k2)?.rows[0]?.codes).toBe('222');
  });
});
