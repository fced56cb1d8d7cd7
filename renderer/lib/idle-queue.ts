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

/**
 * Runs `jobs` in order, one per idle period; a job's promise is awaited (and its failure ignored)
 * before the next is scheduled. Returns a function that stops whatever has not started.
 */
export function runWhenIdle(jobs: readonly IdleJob[], idle: IdleApi = browserIdle): () => void {
  let next = 0;
  let handle: number | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped || next >= jobs.length) return;
    handle = idle.request(() => {
      handle = null;
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
