/**
 * Evaluates many instruments on worker threads (one per core by default), results delivered in
 * input order. At most a few jobs per worker are in flight, so memory stays bounded however many
 * instruments there are; inputs and outputs move between threads as transferred buffers (no copies).
 * With `threads: 1` everything runs on the calling thread (no worker start-up cost).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompiledFeatureSet } from './feature-set-compiler.ts';
import { evaluateInstrument } from './feature-set-compiler.ts';
import type { WorkerInit, WorkerJob, WorkerReply } from './feature-worker-protocol.ts';
import type { InstrumentInput, InstrumentOutput } from './plan-evaluator.ts';
import { EvaluationError } from './plan-evaluator.ts';
import { evaluateQlibInstrument, type QlibInstrumentRows, type QlibQueryPlan } from '../qlib/qlib-directory-query.ts';
import { formatCsvRows } from '../output/csv-rows.ts';

export interface PoolOptions {
  /** Worker threads (default: the machine's cores; 1 = evaluate on the calling thread). */
  threads?: number;
}

/** Default thread count: one per core. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Evaluates `compiled` over each input, yielding `{ key, output }` in input order. This is the
 * entry point for callers that hold columns in memory (the lake's silver builds). With more than one
 * thread the input columns are transferred to the workers: do not use them after handing them in.
 */
export async function* evaluateMany<K>(
  compiled: CompiledFeatureSet,
  inputs: Iterable<{ key: K; input: InstrumentInput }> | AsyncIterable<{ key: K; input: InstrumentInput }>,
  options: PoolOptions = {},
): AsyncGenerator<{ key: K; output: InstrumentOutput }> {
  const threads = options.threads ?? defaultThreads();
  if (threads <= 1) {
    for await (const { key, input } of inputs) yield { key, output: evaluateInstrument(compiled, input) };
    return;
  }
  const pool = startPool({ definitions: definitionsOf(compiled) }, threads);
  try {
    yield* pool.run(inputs, ({ input }, id) => ({
      job: { id, kind: 'columns', input } as WorkerJob,
      transfer: Object.values(input.fields).flatMap((f) => (f ? [(f instanceof Float32Array ? f : f.values).buffer as ArrayBuffer] : [])),
    }), (item, reply) => {
      if (reply.kind !== 'columns') throw new Error('unexpected reply');
      return { key: item.key, output: { columns: reply.columns, lo: reply.lo, hi: reply.hi } };
    });
  } finally {
    await pool.close();
  }
}

/** One instrument's result from a Qlib directory: values, or the CSV lines when asked for text. */
export type QlibPoolResult = QlibInstrumentRows & { csv: string | null };

/**
 * Evaluates every instrument of a planned Qlib query, in order (sorted by name). With `csv` the
 * workers also format the rows as CSV text (values are then empty).
 */
export async function* evaluateQlibQuery(
  compiled: CompiledFeatureSet,
  plan: QlibQueryPlan,
  options: PoolOptions & { csv?: boolean } = {},
): AsyncGenerator<QlibPoolResult> {
  const threads = Math.min(options.threads ?? defaultThreads(), Math.max(1, plan.jobs.length));
  const csv = Boolean(options.csv);
  if (threads <= 1) {
    for (const job of plan.jobs) {
      const r = evaluateQlibInstrument(compiled, plan, job);
      if (!r) continue;
      yield { ...r, csv: csv ? formatCsvRows(r.instrument, r.rows, plan.calendar, r.values, compiled.names.length) : null };
    }
    return;
  }
  const init: WorkerInit = {
    definitions: definitionsOf(compiled),
    qlib: { qlibDir: plan.qlibDir, calendar: plan.calendar, startIndex: plan.startIndex, endIndex: plan.endIndex, csv },
  };
  const pool = startPool(init, threads);
  try {
    const results = pool.run(plan.jobs, (job, id) => ({ job: { id, kind: 'qlib', job } as WorkerJob, transfer: [] }), (_, reply) => {
      if (reply.kind !== 'qlib') throw new Error('unexpected reply');
      if (reply.empty) return null;
      return { instrument: reply.instrument, rows: reply.rows, values: reply.values ?? new Float32Array(0), csv: reply.csv };
    });
    for await (const r of results) if (r) yield r;
  } finally {
    await pool.close();
  }
}

function definitionsOf(compiled: CompiledFeatureSet) {
  return compiled.names.map((name, i) => ({ name, expression: compiled.sources[i]! }));
}

interface Pool {
  run<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    toJob: (item: T, id: number) => { job: WorkerJob; transfer: ArrayBuffer[] },
    fromReply: (item: T, reply: WorkerReply) => R,
  ): AsyncGenerator<R>;
  close(): Promise<void>;
}

/**
 * Starts a worker on the TypeScript entry. The CLI runs from source through tsx, whose loader hooks
 * are per thread, so the worker first registers tsx itself (a tiny bootstrap) and then imports the entry.
 */
function startWorker(init: WorkerInit): Worker {
  const entry = new URL('./feature-worker.ts', import.meta.url);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

function startPool(init: WorkerInit, threads: number): Pool {
  const workers = Array.from({ length: threads }, () => startWorker(init));
  const perWorker = 3;
  return {
    async *run(items, toJob, fromReply) {
      const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<never>)[Symbol.iterator]()) as
        AsyncIterator<unknown> | Iterator<unknown>;
      type Slot = { item: unknown; reply?: WorkerReply; error?: Error };
      const slots = new Map<number, Slot>();
      const load = workers.map(() => 0);
      let nextId = 0;
      let nextOut = 0;
      let exhausted = false;
      let wake: (() => void) | null = null;
      const failure: { error: Error | null } = { error: null };
      const onMessage = (w: number) => (reply: WorkerReply) => {
        load[w]!--;
        const slot = slots.get(reply.id);
        if (slot) {
          if (reply.kind === 'error') slot.error = new EvaluationError(reply.message);
          else slot.reply = reply;
        }
        wake?.();
      };
      const onError = (err: Error) => {
        failure.error = err;
        wake?.();
      };
      const listeners = workers.map((w, i) => {
        const m = onMessage(i);
        w.on('message', m);
        w.on('error', onError);
        return m;
      });
      const fill = async () => {
        // Bounded look-ahead: results waiting for a slow earlier one must not pile up.
        while (!exhausted && nextId - nextOut < threads * perWorker * 2) {
          const w = load.findIndex((l) => l < perWorker);
          if (w < 0) return;
          const n = await iterator.next();
          if (n.done) {
            exhausted = true;
            return;
          }
          const id = nextId++;
          const { job, transfer } = toJob(n.value as never, id);
          slots.set(id, { item: n.value });
          load[w]!++;
          workers[w]!.postMessage(job, transfer);
        }
      };
      try {
        await fill();
        while (nextOut < nextId || !exhausted) {
          const slot = slots.get(nextOut);
          if (failure.error) throw failure.error;
          if (slot && (slot.reply || slot.error)) {
            slots.delete(nextOut++);
            if (slot.error) throw slot.error;
            yield fromReply(slot.item as never, slot.reply!);
            await fill();
            continue;
          }
          if (!slot && exhausted) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          await fill();
        }
      } finally {
        workers.forEach((w, i) => {
          w.off('message', listeners[i]!);
          w.off('error', onError);
        });
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
