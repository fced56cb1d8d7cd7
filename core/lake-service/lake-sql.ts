/**
 * The SQL panel's engine: the lake's read-only DuckDB session (core/lake/lake-query.ts: views of
 * the datasets, statements checked before they run, only the datasets' files reachable), a few
 * queries at a time side by side, each with an id so the UI can cancel it whether it is running
 * or still waiting, each bounded by a time limit and a result size cap. A query whose page went
 * away is cancelled by the backend (see the sql.run handler), so nothing abandoned holds a slot.
 */
import type { SqlResultView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { openLakeQuery, QueryTimeLimitError, ReadOnlyQueryError, type LakeQuery } from '../lake/lake-query.ts';
import { rowsToArrowIpc } from './arrow-encode.ts';
import type { LakeServiceConfig } from './lake-service-protocol.ts';

/** The SQL engine of the lake service. */
export interface LakeSql {
  run(queryId: string, sql: string, maxRows: number): Promise<SqlResultView>;
  /** Cancels a running or waiting query; false when no such query is known. */
  cancel(queryId: string): boolean;
  close(): Promise<void>;
}

interface Waiting {
  queryId: string;
  start: () => void;
  reject: (err: Error) => void;
}

/** Queries that may run at once: two keep the SQL panel usable beside one slow query on 2 cores. */
const PARALLEL_QUERIES = 2;

/** Maps an engine error to the contract's vocabulary with a message a person can act on. */
export function sqlError(err: unknown): RequestError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ReadOnlyQueryError) return new RequestError('forbidden', message);
  if (err instanceof QueryTimeLimitError) return new RequestError('timeout', message);
  if (/INTERRUPT|Interrupted/i.test(message)) return new RequestError('cancelled', 'query cancelled');
  // The engine can open only the datasets' files: anything else is a permission error.
  if (/Permission Error|disabled by configuration|not allowed|allowed_directories|allowed_paths/i.test(message)) {
    return new RequestError('forbidden', `refused: ${message.split('\n')[0]} (queries can read only the lake's datasets)`);
  }
  return new RequestError('invalid_input', message.split('\n').slice(0, 3).join(' '));
}

/** Opens the SQL engine (lazily by the service, on the first query). */
export async function openLakeSql(config: LakeServiceConfig): Promise<LakeSql> {
  const engine: LakeQuery = await openLakeQuery(config.lakeRoot, {
    threads: config.threads,
    memoryLimit: config.memoryLimit,
    timeLimitMs: (config.sqlTimeLimitSeconds ?? 60) * 1000,
    maxResultBytes: (config.sqlMaxResultMiB ?? 64) * 1024 * 1024,
  });
  const running = new Map<string, AbortController>();
  const waiting: Waiting[] = [];

  const next = () => {
    while (running.size < PARALLEL_QUERIES && waiting.length > 0) waiting.shift()!.start();
  };

  return {
    run(queryId, sql, maxRows) {
      return new Promise<SqlResultView>((resolve, reject) => {
        const start = () => {
          const controller = new AbortController();
          running.set(queryId, controller);
          engine
            .run(sql, { maxRows, signal: controller.signal })
            .then(
              (r) =>
                resolve({
                  queryId,
                  columns: r.columns,
                  arrow: rowsToArrowIpc(r.columns, r.rows),
                  rowCount: r.rowCount,
                  truncated: r.truncated,
                  notice: r.notice ?? null,
                  elapsedMs: r.elapsedMs,
                }),
              (err: unknown) => reject(sqlError(err)),
            )
            .finally(() => {
              running.delete(queryId);
              next();
            });
        };
        waiting.push({ queryId, start, reject });
        next();
      });
    },
    cancel(queryId) {
      const c = running.get(queryId);
      if (c) {
        c.abort();
        return true;
      }
      const i = waiting.findIndex((w) => w.queryId === queryId);
      if (i < 0) return false;
      const [w] = waiting.splice(i, 1);
      w!.reject(new RequestError('cancelled', 'query cancelled before it started'));
      return true;
    },
    async close() {
      for (const w of waiting.splice(0)) w.reject(new RequestError('unavailable', 'the lake service is closing'));
      engine.close();
    },
  };
}
