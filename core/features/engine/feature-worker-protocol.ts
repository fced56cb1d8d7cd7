/**
 * Messages between the feature pool and its worker threads. A worker compiles the feature set from
 * its definitions once, then evaluates one instrument per job: either columns handed to it (the
 * lake's case) or an instrument read from a Qlib directory (the CLI's case, where the worker also
 * formats the CSV lines so the %.9g work is spread over the cores too).
 */
import type { FeatureDefinition } from './feature-set-compiler.ts';
import type { InstrumentInput } from './plan-evaluator.ts';
import type { QlibInstrumentJob } from '../qlib/qlib-directory-query.ts';
import type { CarriedJob, CarriedResult } from '../qlib/qlib-carried-query.ts';

export interface WorkerInit {
  definitions: FeatureDefinition[];
  /** Present for Qlib-directory jobs. */
  qlib?: { qlibDir: string; calendar: string[]; startIndex: number; endIndex: number; csv: boolean };
  /** Present for incremental lake builds over a Qlib directory. */
  carried?: { qlibDir: string };
}

export type WorkerJob =
  | { id: number; kind: 'columns'; input: InstrumentInput }
  | { id: number; kind: 'qlib'; job: QlibInstrumentJob }
  | { id: number; kind: 'carried'; job: CarriedJob };

export type WorkerReply =
  | { kind: 'ready' }
  | { id: number; kind: 'columns'; columns: Float32Array[]; lo: number; hi: number }
  | { id: number; kind: 'qlib'; instrument: string; rows: Int32Array; values: Float32Array | null; csv: string | null; empty: boolean }
  | { id: number; kind: 'carried'; result: CarriedResult }
  | { id: number; kind: 'error'; message: string };
