/**
 * Worker thread entry of the feature pool (see feature-pool.ts): evaluates one instrument per message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileFeatures, evaluateInstrument } from './feature-set-compiler.ts';
import type { WorkerInit, WorkerJob, WorkerReply } from './feature-worker-protocol.ts';
import { evaluateQlibInstrument, type QlibQueryPlan } from '../qlib/qlib-directory-query.ts';
import { formatCsvRows } from '../output/csv-rows.ts';
import { evaluateCarriedInstrument } from '../qlib/qlib-carried-query.ts';

const init = workerData as WorkerInit;
const compiled = compileFeatures(init.definitions);
const qlibPlan: QlibQueryPlan | null = init.qlib
  ? { qlibDir: init.qlib.qlibDir, calendar: init.qlib.calendar, startIndex: init.qlib.startIndex, endIndex: init.qlib.endIndex, jobs: [] }
  : null;

parentPort!.on('message', (msg: WorkerJob) => {
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    if (msg.kind === 'columns') {
      const out = evaluateInstrument(compiled, msg.input);
      reply = { id: msg.id, kind: 'columns', columns: out.columns, lo: out.lo, hi: out.hi };
      for (const c of out.columns) transfer.push(c.buffer as ArrayBuffer);
    } else if (msg.kind === 'carried') {
      const result = evaluateCarriedInstrument(compiled, init.carried!.qlibDir, msg.job);
      reply = { id: msg.id, kind: 'carried', result };
      transfer.push(result.values.buffer as ArrayBuffer, result.rows.buffer as ArrayBuffer);
      const own = new Set<ArrayBuffer>();
      for (const st of result.carry?.states ?? []) {
        const b = st?.state.buffer as ArrayBuffer | undefined;
        if (b && st!.state.byteOffset === 0 && st!.state.byteLength === b.byteLength) own.add(b);
      }
      transfer.push(...own);
    } else {
      const res = evaluateQlibInstrument(compiled, qlibPlan!, msg.job);
      if (!res) {
        reply = { id: msg.id, kind: 'qlib', instrument: msg.job.instrument, rows: new Int32Array(0), values: null, csv: null, empty: true };
      } else if (init.qlib!.csv) {
        const csv = formatCsvRows(res.instrument, res.rows, qlibPlan!.calendar, res.values, compiled.names.length);
        reply = { id: msg.id, kind: 'qlib', instrument: res.instrument, rows: res.rows, values: null, csv, empty: false };
      } else {
        reply = { id: msg.id, kind: 'qlib', instrument: res.instrument, rows: res.rows, values: res.values, csv: null, empty: false };
        transfer.push(res.values.buffer as ArrayBuffer);
      }
      if (res) transfer.push(res.rows.buffer as ArrayBuffer);
    }
  } catch (err) {
    reply = { id: msg.id, kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply, transfer);
});

parentPort!.postMessage({ kind: 'ready' } satisfies WorkerReply);
