/**
 * The SQL panel's engine: the lake's read-only DuckDB session (core/lake/lake-query.ts: views of
 * the datasets, only SELECT-like statements, files outside bronze unreachable), one query at a
 * time, each with an id so the UI can cancel it whether it is running or still waiting.
 */
import type { SqlResultView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { openLakeQuery, ReadOnlyQueryError, type LakeQuery } from '../lake/lake-query.ts';
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

const WRITE_KEYWORDS = /^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|COPY|ATTACH|DETACH|INSTALL|LOAD|SET|RESET|PRAGMA|EXPORT|IMPORT|CALL|CHECKPOINT|VACUUM|TRUNCATE|USE)\b/i;

/** Maps an engine error to the contract's vocabulary with a message a person can act on. */
export function sqlError(err: unknown, sql = ''): RequestError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ReadOnlyQueryError) return new RequestError('forbidden', message);
  if (/INTERRUPT|Interrupted/i.test(message)) return new RequestError('cancelled', 'query cancelled');
  // DuckDB's binder can reject a write before the read-only check sees its statement type.
  if (WRITE_KEYWORDS.test(sql)) return new RequestError('forbidden', `refused: the lake is read-only here (${message.split('\n')[0]})`);
  // enable_external_access=false and allowed_directories answer with permission errors.
  if (/Permission Error|disabled by configuration|not allowed|allowed_directories/i.test(message)) {
    return new RequestError('forbidden', `refused: ${message.split('\n')[0]} (queries can read only the lake's datasets)`);
  }
  return new RequestError('invalid_input', message.split('\n').slice(0, 3).join(' '));
}

/** Opens the SQL engine (lazily by the service, on the first query). */
export async function openLakeSql(config: LakeServiceConfig): Promise<LakeSql> {
  const engine: LakeQuery = await openLakeQuery(config.lakeRoot, { threads: config.threads, memoryLimit: config.memoryLimit });
  let running: string | null = null;
  const waiting: Waiting[] = [];

  const next = () => {
    if (running !== null) return;
    const w = waiting.shift();
    if (w) w.start();
  };

  return {
    run(queryId, sql, maxRows) {
      return new Promise<SqlResultView>((resolve, reject) => {
        const start = () => {
          running = queryId;
          engine
            .run(sql, { maxRows })
            .then(
              (r) =>
                resolve({
                  queryId,
                  columns: r.columns,
                  arrow: rowsToArrowIpc(r.columns, r.rows),
                  rowCount: r.rowCount,
                  truncated: r.truncated,
                  elapsedMs: r.elapsedMs,
                }),
              (err: unknown) => reject(sqlError(err, sql)),
            )
            .finally(() => {
              running = null;
              next();
            });
        };
        waiting.push({ queryId, start, reject });
        next();
      });
    },
    cancel(queryId) {
      if (running === queryId) {
        engine.interrupt();
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
      if (running !== null) engine.interrupt();
      engine.close();
    },
  };
}
