/**
 * Worker thread of the CSV parse pool: reads and parses one CSV at a time for the main thread, which
 * writes the bins (so a worker never holds more than the file it is on).
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { QlibCsvError, readQlibCsv, readQlibCsvDates, type QlibCsvOptions } from '../../qlib/qlib-csv-reader.ts';
import { keySummary } from './csv-dump-calendar.ts';
import type { CsvTask, CsvTaskResult } from './csv-parse-pool.ts';

let scratch = Buffer.alloc(1 << 20);

/** Reads a whole file into a buffer reused from call to call (fresh buffers per file cost more than the read). */
export function readIntoScratch(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size > scratch.length) scratch = Buffer.alloc(Math.max(size, scratch.length * 2));
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, scratch, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return scratch.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs one task (also used in-process when there is no pool). */
export function runCsvTask(task: CsvTask, opts: QlibCsvOptions): CsvTaskResult {
  const buf = readIntoScratch(task.file);
  if (task.kind === 'dates') {
    return { kind: 'dates', ...keySummary(readQlibCsvDates(buf, task.file, opts).keys) };
  }
  return { kind: 'table', table: readQlibCsv(buf, task.file, opts) };
}

function transferables(r: CsvTaskResult): ArrayBuffer[] {
  if (r.kind === 'dates') return [r.keys.buffer as ArrayBuffer];
  const t = r.table;
  const out = new Set<ArrayBuffer>([t.keys.buffer as ArrayBuffer, t.lines.buffer as ArrayBuffer]);
  for (const v of t.values) out.add(v.buffer as ArrayBuffer);
  for (const v of t.gappedValues) if (v) out.add(v.buffer as ArrayBuffer);
  return [...out];
}

// Only when started by the pool: this module is also imported by the main thread (and tests run in threads).
if (parentPort && (workerData as { qlibCsvWorker?: boolean } | null)?.qlibCsvWorker) {
  const port = parentPort;
  port.on('message', (msg: { id: number; task: CsvTask; opts: QlibCsvOptions }) => {
    try {
      const result = runCsvTask(msg.task, msg.opts);
      port.postMessage({ id: msg.id, result }, transferables(result));
    } catch (err) {
      const e = err instanceof QlibCsvError ? { file: err.file, line: err.line, column: err.column, problem: err.problem } : null;
      port.postMessage({ id: msg.id, error: e ?? { message: err instanceof Error ? err.message : String(err) } });
    }
  });
}
