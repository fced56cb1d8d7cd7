/**
 * Runs background jobs one at a time when the main thread is idle (requestIdleCallback, or a short
 * timer where it is missing), each in its own idle period, so warming caches never competes with
 * input or rendering.
 */

export type IdleJob = () => unknown;

interface IdleApi {
  request(run: () => void): number;
  cancel(handle: number): void;
}

const browserIdle: IdleApi =
  typeof requestIdleCallback === 'function'
    ? { request: (run) => requestIdleCallback(run, { timeout: 5000 }), cancel: (h) => cancelIdleCallback(h) }
    : { request: (run) => setTimeout(run, 200) as unknown as number, cancel: (h) => clearTimeout(h) };

// Foreground work that must not share the main thread with a background job (say, a page drawing
// an answer it is waiting for) holds the queue; jobs due meanwhile wait until the last hold ends.
let holds = 0;
let waiting: Array<() => void> = [];

/**
 * Holds every idle queue until the returned release is called (or `maxMs` passes, so a hold whose
 * owner never finishes cannot stop background work for good). A job already running is not stopped.
 */
export function holdIdleWork(maxMs = 5000): () => void {
  holds++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearTimeout(timer);
    holds--;
    if (holds > 0) return;
    const resume = waiting;
    waiting = [];
    for (const run of resume) run();
  };
  const timer = setTimeout(release, maxMs);
  return release;
}

/**
 * Runs `jobs` in order, one per idle period; a job's promise is awaited (and its failure ignored)
 * before the next is scheduled, and none starts while `holdIdleWork` holds the queues. Returns a function that stops whatever has not started.
 */
export function runWhenIdle(jobs: readonly IdleJob[], idle: IdleApi = browserIdle): () => void {
  let next = 0;
  let handle: number | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped || next >= jobs.length) return;
    handle = idle.request(() => {
      handle = null;
      if (holds > 0) {
        waiting.push(schedule);
        return;
      }
      const job = jobs[next++];
      let result: unknown;
      try {
        result = job?.();
      } catch {
        result = undefined;
      }
      void Promise.resolve(result).catch(() => undefined).then(schedule);
    });
  };
  schedule();
  return () => {
    stopped = true;
    if (handle !== null) idle.cancel(handle);
  };
}
