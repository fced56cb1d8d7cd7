/**
 * Keeps react-query's cache in step with pushed events, in one place: run and job events are
 * applied in order once per frame (event-cache.ts), progress goes to the progress store, coverage
 * cells are repainted from `coverage.changed`, and after a reconnect everything is refetched.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CoverageChange } from '../lib/coverage-grid.ts';
import { createFrameBatcher } from '../lib/frame-batcher.ts';
import { useApi } from './api-provider.tsx';
import { contractKey } from './contract-query.ts';
import { applyCoverageChanges, applyRunEvents } from './event-cache.ts';
import type { RunEvent } from './event-cache.ts';
import { recordMemorySample } from './memory-history.ts';
import { progressStore, runProgressStore } from './progress-store.ts';

/** Mount once near the root; renders nothing. */
export function LiveSync() {
  const api = useApi();
  const qc = useQueryClient();

  useEffect(() => {
    const pushRunEvent = createFrameBatcher<RunEvent>((events) => {
      for (const runId of applyRunEvents(qc, events)) {
        progressStore.clearRun(runId);
        runProgressStore.clearRun(runId);
      }
    });
    const pushCoverage = createFrameBatcher<CoverageChange>((changes) => applyCoverageChanges(qc, changes));

    const unsubscribes = [
      api.subscribe('run.started', (run) => pushRunEvent({ kind: 'started', run })),
      api.subscribe('job.updated', (u) => pushRunEvent({ kind: 'job', runId: u.runId, job: u.job })),
      api.subscribe('job.progress', (p) => progressStore.push(p)),
      api.subscribe('run.progress', (p) => runProgressStore.push(p)),
      api.subscribe('run.finished', (summary) => pushRunEvent({ kind: 'finished', summary })),
      api.subscribe('system.memory', (sample) => {
        recordMemorySample(sample);
        qc.setQueryData(contractKey('system.memory', {}), sample);
      }),
      api.subscribe('coverage.changed', pushCoverage),
      api.subscribe('settings.changed', (settings) => {
        qc.setQueryData(contractKey('settings.get', {}), settings);
        // A new data root or dataset list can change every other view.
        void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'settings.get' });
      }),
    ];

    let lastStatus: string | null = null;
    const unStatus = api.onStatus((status) => {
      // Events were missed while disconnected; refetch what is on screen.
      if (status === 'open' && lastStatus === 'reconnecting') void qc.invalidateQueries();
      lastStatus = status;
    });

    return () => {
      for (const u of unsubscribes) u();
      unStatus();
    };
  }, [api, qc]);

  return null;
}
