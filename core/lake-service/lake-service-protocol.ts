/**
 * Messages between the backend and the long-lived "lake" process. Requests carry an id; every
 * request gets exactly one reply with the same id. Errors travel as data (code + message), the
 * same codes the contract uses, so the backend hands them to the UI unchanged.
 */
import type { ContractErrorCode } from '../contract/contract-result.ts';
import type {
  CoverageCellView,
  CoverageView,
  LakeEntryView,
  ParquetInfoView,
  PreviewView,
  SqlResultView,
} from '../contract/contract-views.ts';
import type { GoldCheckReport } from '../layers/gold/gold-check-report.ts';
import type { FeatureVersionDiff } from '../layers/features/feature-version-diff.ts';
import type { ExportFormat, SqlExportResult } from './sql-export.ts';

/** How the service opens its DuckDB engine and where the lake is. Sent once after `ready`. */
export interface LakeServiceConfig {
  lakeRoot: string;
  threads: number;
  memoryLimit: string;
  /** Demo mode: the simulator's first date (earlier days are out_of_range). */
  historyStart?: string;
  /** Time limit of one SQL query (settings sql.timeLimitSeconds). */
  sqlTimeLimitSeconds?: number;
  /** Cap on one SQL result's size (settings sql.maxResultMiB). */
  sqlMaxResultMiB?: number;
  /** Registry shape (settings rest.tickersDailyFrom). */
  tickersDailyFrom?: string;
}

import type { Layer } from '../vocabulary/layers.ts';

/** Each method's parameters and result. */
export interface LakeMethods {
  coverage: {
    params: { layer: Layer; from: string; to: string; datasets: string[]; running: string[] };
    result: CoverageView;
  };
  cell: { params: { layer: Layer; dataset: string; date: string; running: string[] }; result: CoverageCellView };
  list: { params: { path: string }; result: { path: string; entries: LakeEntryView[] } };
  parquetInfo: { params: { path: string }; result: ParquetInfoView };
  preview: { params: { path: string; columns?: string[] | undefined; offset: number; limit: number }; result: PreviewView };
  sqlRun: { params: { queryId: string; sql: string; maxRows: number }; result: SqlResultView };
  sqlCancel: { params: { queryId: string }; result: { cancelled: boolean } };
  /** Runs a query in the read-only engine and writes its whole result to `target` (sql-export.ts). */
  sqlExport: { params: { queryId: string; sql: string; format: ExportFormat; target: string }; result: SqlExportResult };
  /** Two built versions of a feature set compared (expressions, and values on their last shared day). */
  featureDiff: { params: { name: string; a: string; b: string }; result: FeatureVersionDiff };
  /**
   * The lake's day gold checked against silver, its report stored in metadata/checks/: here, so the
   * check (seconds of synchronous bin reads on a big lake) never blocks the host's event loop.
   */
  goldCheck: { params: Record<string, never>; result: GoldCheckReport };
  /** Round trip used by health checks and tests; `crash: true` makes the process exit (tests of the restart). */
  ping: { params: { crash?: boolean }; result: { pid: number; uptimeMs: number } };
}

export type LakeMethod = keyof LakeMethods;

/** Backend -> service. */
export type ToLakeService =
  | { type: 'init'; config: LakeServiceConfig }
  | { type: 'call'; id: number; method: LakeMethod; params: unknown };

/** Service -> backend. */
export type FromLakeService =
  | { type: 'ready' }
  | { type: 'initialized' }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: { code: ContractErrorCode; message: string } };

/** Narrows an IPC message from the service. */
export function isFromLakeService(m: unknown): m is FromLakeService {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'initialized' || t === 'reply';
}

/** Narrows an IPC message to the service. */
export function isToLakeService(m: unknown): m is ToLakeService {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'init' || t === 'call';
}
