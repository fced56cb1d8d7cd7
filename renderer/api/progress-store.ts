/**
 * Latest progress per job, outside React state. Events land here at any rate; subscribers (one per
 * job row) are notified at most once per frame and only for their own job, so progress never
 * re-renders a page.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { JobProgressView, RunProgressView } from '../../core/contract/contract-views.ts';
import { frameScheduler } from '../lib/frame-batcher.ts';
import type { Scheduler } from '../lib/frame-batcher.ts';

export interface ProgressStore {
  /** Records a report; listeners of that job hear about it on the next frame. */
  push(progress: JobProgressView): void;
  /** The latest report for a job, if any. */
  get(runId: string, jobId: string): JobProgressView | undefined;
  subscribe(runId: string, jobId: string, listener: () => void): () => void;
  /** Forgets every job of a run (when it finishes). */
  clearRun(runId: string): void;
}

const keyOf = (runId: string, jobId: string): string => `${runId}\u0000${jobId}`;

/** Creates a store; `schedule` defaults to once per animation frame. */
export function createProgressStore(schedule: Scheduler = frameScheduler): ProgressStore {
  const latest = new Map<string, JobProgressView>();
  const listeners = new Map<string, Set<() => void>>();
  let dirty = new Set<string>();
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const keys = dirty;
    dirty = new Set();
    for (const key of keys) for (const l of listeners.get(key) ?? []) l();
  };

  return {
    push(progress) {
      const key = keyOf(progress.runId, progress.jobId);
      latest.set(key, progress);
      dirty.add(key);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    get: (runId, jobId) => latest.get(keyOf(runId, jobId)),
    subscribe(runId, jobId, listener) {
      const key = keyOf(runId, jobId);
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
    clearRun(runId) {
      const prefix = `${runId}\u0000`;
      for (const key of [...latest.keys()]) {
        if (!key.startsWith(prefix)) continue;
        latest.delete(key);
        dirty.add(key);
      }
      if (!scheduled && dirty.size > 0) {
        scheduled = true;
        schedule(flush);
      }
    },
  };
}

/** The app's progress store (one per renderer). */
export const progressStore = createProgressStore();

/** The latest progress of one job; re-renders only when that job reports (at most once a frame). */
export function useJobProgress(runId: string, jobId: string): JobProgressView | undefined {
  const subscribe = useCallback((cb: () => void) => progressStore.subscribe(runId, jobId, cb), [runId, jobId]);
  return useSyncExternalStore(subscribe, () => progressStore.get(runId, jobId));
}

type RunListener = () => void;
const runLatest = new Map<string, RunProgressView>();
const runListeners = new Map<string, Set<RunListener>>();

/**
 * A run's overall progress (bytes of the total, throughput, ETA), outside React state like the
 * jobs' progress: the supervisor sends it at most twice a second, and only the card showing it
 * re-renders.
 */
export const runProgressStore = {
  push(p: RunProgressView): void {
    runLatest.set(p.runId, p);
    for (const l of runListeners.get(p.runId) ?? []) l();
  },
  get: (runId: string): RunProgressView | undefined => runLatest.get(runId),
  subscribe(runId: string, listener: RunListener): () => void {
    let set = runListeners.get(runId);
    if (!set) {
      set = new Set();
      runListeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) runListeners.delete(runId);
    };
  },
  clearRun(runId: string): void {
    runLatest.delete(runId);
    for (const l of runListeners.get(runId) ?? []) l();
  },
};

/** The latest overall progress of a run, if any has arrived. */
export function useRunProgress(runId: string): RunProgressView | undefined {
  const subscribe = useCallback((cb: () => void) => runProgressStore.subscribe(runId, cb), [runId]);
  return useSyncExternalStore(subscribe, () => runProgressStore.get(runId));
}
