/**
 * Parses CSVs on worker threads while the main thread writes bins: dump_all's two passes (dates, then
 * values) spread over the machine's cores. Results come back in file order through a bounded window,
 * so at most a few files' values are in memory at once. Small inputs are parsed in-process (starting
 * a worker costs more than it saves).
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerEntryFor } from '../../process/bundled-entry.ts';
import { QlibCsvError, type QlibCsvOptions, type QlibCsvTable } from '../../qlib/qlib-csv-reader.ts';
import { runCsvTask } from './csv-parse-worker.ts';

/** A unit of work: pass one (dates) or pass two (the whole table) of one file. */
export type CsvTask = { kind: 'dates'; file: string } | { kind: 'table'; file: string };

/** What a task returns (a dates task: the file's distinct keys, sorted). */
export type CsvTaskResult =
  | { kind: 'dates'; rows: number; minKey: number; maxKey: number; keys: Float64Array }
  | { kind: 'table'; table: QlibCsvTable };

interface Reply {
  id: number;
  result?: CsvTaskResult;
  error?: { file?: string; line?: number | null; column?: string | null; problem?: string; message?: string };
}

/** Runs tasks, in-process or on workers. */
export interface CsvPool {
  run(task: CsvTask): Promise<CsvTaskResult>;
  /** How many worker threads parse (0 = in-process). */
  readonly threads: number;
  close(): Promise<void>;
}

/** Worker threads worth starting for this much CSV: none for small inputs, else one per core (at most 4). */
export function poolSizeFor(totalBytes: number): number {
  if (totalBytes < 8 * 1024 * 1024) return 0;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Starts a worker on `entry`. From source the worker is TypeScript: a worker does not inherit the
 * loader hooks tsx registered in this thread, so a two-line bootstrap registers them there first.
 */
function startWorker(entry: URL): Worker {
  const workerData = { qlibCsvWorker: true };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** A pool of `threads` workers (0: run tasks in this thread). */
export function createCsvPool(opts: QlibCsvOptions, threads: number): CsvPool {
  if (threads <= 0) {
    return { threads: 0, run: async (task) => runCsvTask(task, opts), close: async () => {} };
  }
  // The CLI bundle's worker when bundled (a bundle must not start the sources), else the TypeScript entry.
  const bundled = workerEntryFor('csv-parse-worker', '');
  const entry = bundled ? pathToFileURL(bundled) : new URL('./csv-parse-worker.ts', import.meta.url);
  const workers = Array.from({ length: threads }, () => startWorker(entry));
  const pending = new Map<number, { resolve: (r: CsvTaskResult) => void; reject: (e: Error) => void }>();
  const idle: Worker[] = [...workers];
  const queue: Array<{ id: number; task: CsvTask }> = [];
  let nextId = 0;
  let failed: Error | null = null;

  const dispatch = () => {
    while (idle.length && queue.length) {
      const w = idle.pop()!;
      const job = queue.shift()!;
      w.postMessage({ id: job.id, task: job.task, opts });
    }
  };
  for (const w of workers) {
    w.on('message', (reply: Reply) => {
      idle.push(w);
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (p) {
        if (reply.result) p.resolve(reply.result);
        else {
          const e = reply.error ?? {};
          // A CSV problem crosses the thread boundary as data and becomes the same error again.
          if (e.problem !== undefined) p.reject(new QlibCsvError(e.file ?? '?', e.line ?? null, e.column ?? null, e.problem));
          else p.reject(new Error(e.message ?? 'CSV worker failed'));
        }
      }
      dispatch();
    });
    w.on('error', (err) => {
      failed = err instanceof Error ? err : new Error(String(err));
      for (const p of pending.values()) p.reject(failed);
      pending.clear();
    });
  }
  return {
    threads,
    run(task) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise<CsvTaskResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        queue.push({ id, task });
        dispatch();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Runs `task(item)` for every item through the pool, yielding results in item order with at most `window` in flight. */
export async function* orderedResults<T>(
  items: readonly T[],
  run: (item: T) => Promise<CsvTaskResult>,
  window: number,
): AsyncGenerator<[T, CsvTaskResult]> {
  const inflight: Array<Promise<CsvTaskResult>> = [];
  let next = 0;
  const fill = () => {
    while (inflight.length < window && next < items.length) {
      const p = run(items[next++]!);
      // Settled later in order; keep an early failure from surfacing as an unhandled rejection.
      p.catch(() => {});
      inflight.push(p);
    }
  };
  fill();
  for (let i = 0; i < items.length; i++) {
    const result = await inflight.shift()!;
    fill();
    yield [items[i]!, result];
  }
}
