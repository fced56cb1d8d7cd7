/**
 * Evaluates many instruments on worker threads (one per core by default), results delivered in
 * input order. At most a few jobs per worker are in flight, so memory stays bounded however many
 * instruments there are; inputs and outputs move between threads as transferred buffers (no copies).
 * With `threads: 1` everything runs on the calling thread (no worker start-up cost); with more, the
 * calling thread also evaluates until the first worker has loaded.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntryFor } from '../../process/bundled-entry.ts';
import type { CompiledFeatureSet } from './feature-set-compiler.ts';
import { evaluateInstrument } from './feature-set-compiler.ts';
import type { WorkerInit, WorkerJob, WorkerReply } from './feature-worker-protocol.ts';
import type { InstrumentInput, InstrumentOutput } from './plan-evaluator.ts';
import { EvaluationError } from './plan-evaluator.ts';
import { evaluateQlibInstrument, type QlibInstrumentJob, type QlibInstrumentRows, type QlibQueryPlan } from '../qlib/qlib-directory-query.ts';
import { formatCsvRows } from '../output/csv-rows.ts';
import { evaluateCarriedInstrument, type CarriedJob, type CarriedResult } from '../qlib/qlib-carried-query.ts';

export interface PoolOptions {
  /** Worker threads (default: the machine's cores; 1 = evaluate on the calling thread). */
  threads?: number;
  /** Evaluate on the calling thread until a worker has loaded (default true; false: workers only). */
  warmStart?: boolean;
}

/** Default thread count: one per core. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Evaluates `compiled` over each input, yielding `{ key, output }` in input order. This is the
 * entry point for callers that hold columns in memory (the lake's silver builds). With more than one
 * thread, a column that owns its whole buffer is moved to the worker (do not use it afterwards);
 * views into larger buffers are copied.
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
  const pool = startPool({ definitions: definitionsOf(compiled) }, threads, options.warmStart ?? true);
  try {
    yield* pool.run(
      inputs,
      ({ input }, id) => ({
        job: { id, kind: 'columns', input } as WorkerJob,
        transfer: transferable(input),
      }),
      (item, reply) => {
        if (reply.kind !== 'columns') throw new Error('unexpected reply');
        return { key: item.key, output: { columns: reply.columns, lo: reply.lo, hi: reply.hi } };
      },
      (item) => ({ key: item.key, output: evaluateInstrument(compiled, item.input) }),
    );
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
  const here = (job: QlibInstrumentJob): QlibPoolResult | null => {
    const r = evaluateQlibInstrument(compiled, plan, job);
    if (!r) return null;
    return { ...r, csv: csv ? formatCsvRows(r.instrument, r.rows, plan.calendar, r.values, compiled.names.length) : null };
  };
  if (threads <= 1) {
    for (const job of plan.jobs) {
      const r = here(job);
      if (r) yield r;
    }
    return;
  }
  const init: WorkerInit = {
    definitions: definitionsOf(compiled),
    qlib: { qlibDir: plan.qlibDir, calendar: plan.calendar, startIndex: plan.startIndex, endIndex: plan.endIndex, csv },
  };
  const pool = startPool(init, threads, options.warmStart ?? true);
  try {
    const results = pool.run(
      plan.jobs,
      (job, id) => ({ job: { id, kind: 'qlib', job } as WorkerJob, transfer: [] }),
      (_, reply) => {
        if (reply.kind !== 'qlib') throw new Error('unexpected reply');
        if (reply.empty) return null;
        return { instrument: reply.instrument, rows: reply.rows, values: reply.values ?? new Float32Array(0), csv: reply.csv };
      },
      here,
    );
    for await (const r of results) if (r) yield r;
  } finally {
    await pool.close();
  }
}

/**
 * Evaluates instruments of a Qlib directory for a range of days, resuming each from its carried
 * states (see qlib-carried-query.ts); results (with the states to carry on) in job order.
 */
export async function* evaluateCarriedJobs(
  compiled: CompiledFeatureSet,
  qlibDir: string,
  jobs: readonly CarriedJob[],
  options: PoolOptions = {},
): AsyncGenerator<CarriedResult> {
  const threads = Math.min(options.threads ?? defaultThreads(), Math.max(1, jobs.length));
  const here = (job: CarriedJob) => evaluateCarriedInstrument(compiled, qlibDir, job);
  if (threads <= 1) {
    for (const job of jobs) yield here(job);
    return;
  }
  const pool = startPool({ definitions: definitionsOf(compiled), carried: { qlibDir } }, threads, options.warmStart ?? true);
  try {
    yield* pool.run(
      jobs,
      (job, id) => {
        // carried states may be views into one big buffer (the carry file): send compact copies,
        // moved rather than cloned, so a message never drags the whole buffer along
        const transfer: ArrayBuffer[] = [];
        const prior = job.prior && {
          ...job.prior,
          states: job.prior.states.map((s) => {
            if (!s) return null;
            const state = s.state.slice();
            transfer.push(state.buffer);
            return { absLo: s.absLo, state };
          }),
        };
        return { job: { id, kind: 'carried', job: { ...job, prior } } as WorkerJob, transfer };
      },
      (_, reply) => {
        if (reply.kind !== 'carried') throw new Error('unexpected reply');
        return reply.result;
      },
      here,
    );
  } finally {
    await pool.close();
  }
}

/** The input buffers that can be moved to a worker: each owned whole by one column, listed once. */
function transferable(input: InstrumentInput): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const f of Object.values(input.fields)) {
    const a = f ? (f instanceof Float32Array ? f : f.values) : null;
    if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) out.add(a.buffer);
  }
  return [...out];
}

function definitionsOf(compiled: CompiledFeatureSet) {
  return compiled.names.map((name, i) => ({ name, expression: compiled.sources[i]! }));
}

interface Pool {
  run<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    toJob: (item: T, id: number) => { job: WorkerJob; transfer: ArrayBuffer[] },
    fromReply: (item: T, reply: WorkerReply) => R,
    inline: (item: T) => R,
  ): AsyncGenerator<R>;
  close(): Promise<void>;
}

/**
 * Starts a worker: the CLI bundle's worker when bundled, else the TypeScript entry. From source the
 * CLI runs through tsx, whose loader hooks are per thread, so the worker first registers tsx itself
 * (a tiny bootstrap) and then imports the entry.
 */
function startWorker(init: WorkerInit): Worker {
  const bundled = workerEntryFor('feature-worker', '');
  if (bundled) return new Worker(bundled, { workerData: init });
  const entry = new URL('./feature-worker.ts', import.meta.url);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

/**
 * A pool of `threads` workers. Until the first worker has loaded (a second or so: each thread
 * compiles the engine's modules), the calling thread evaluates jobs itself, so start-up costs little.
 */
function startPool(init: WorkerInit, threads: number, warmStart: boolean): Pool {
  const workers = Array.from({ length: threads }, () => startWorker(init));
  const ready = workers.map(() => false);
  const perWorker = 3;
  return {
    async *run(items, toJob, fromReply, inline) {
      const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<never>)[Symbol.iterator]()) as
        AsyncIterator<unknown> | Iterator<unknown>;
      type Slot = { item: unknown; done: boolean; result?: unknown; error?: Error };
      const slots = new Map<number, Slot>();
      const load = workers.map(() => 0);
      let nextId = 0;
      let nextOut = 0;
      let exhausted = false;
      let wake: (() => void) | null = null;
      let failure: Error | null = null;
      const onMessage = (w: number) => (reply: WorkerReply) => {
        if (reply.kind === 'ready') {
          ready[w] = true;
        } else {
          load[w]!--;
          const slot = slots.get(reply.id);
          if (slot) {
            slot.done = true;
            if (reply.kind === 'error') slot.error = new EvaluationError(reply.message);
            else {
              try {
                slot.result = fromReply(slot.item as never, reply);
              } catch (err) {
                slot.error = err as Error;
              }
            }
          }
        }
        wake?.();
      };
      const onError = (err: Error) => {
        failure = err;
        wake?.();
      };
      const listeners = workers.map((w, i) => {
        const m = onMessage(i);
        w.on('message', m);
        w.on('error', onError);
        return m;
      });
      const lookahead = threads * perWorker * 2;
      const nextItem = async (): Promise<{ id: number; item: unknown } | null> => {
        const n = await iterator.next();
        if (n.done) {
          exhausted = true;
          return null;
        }
        const id = nextId++;
        slots.set(id, { item: n.value, done: false });
        return { id, item: n.value };
      };
      // Dispatch to loaded workers; while none has loaded, evaluate one job here.
      const fill = async () => {
        while (!exhausted && nextId - nextOut < lookahead) {
          const w = load.findIndex((l, i) => ready[i] && l < perWorker);
          if (w >= 0) {
            const next = await nextItem();
            if (!next) return;
            const { job, transfer } = toJob(next.item as never, next.id);
            load[w]!++;
            workers[w]!.postMessage(job, transfer);
            continue;
          }
          if (!warmStart || ready.some(Boolean)) return;
          const next = await nextItem();
          if (!next) return;
          const slot = slots.get(next.id)!;
          try {
            slot.result = inline(next.item as never);
          } catch (err) {
            slot.error = err as Error;
          }
          slot.done = true;
          await new Promise((r) => setImmediate(r)); // let the workers' "ready" messages in
          return;
        }
      };
      try {
        await fill();
        while (nextOut < nextId || !exhausted) {
          if (failure) throw failure;
          const slot = slots.get(nextOut);
          if (slot?.done) {
            slots.delete(nextOut++);
            if (slot.error) throw slot.error;
            yield slot.result as never;
            await fill();
            continue;
          }
          if (!slot && exhausted) break;
          if (!slot || (warmStart && !ready.some(Boolean)) || load.some((l, i) => ready[i] && l < perWorker)) {
            const before = nextId;
            await fill();
            if (nextId !== before || slots.get(nextOut)?.done) continue;
          }
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
