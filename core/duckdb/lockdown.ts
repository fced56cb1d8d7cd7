/**
 * The one place that makes a DuckDB engine safe for SQL we did not write (the SQL panel and
 * `quantmini query`). Two independent layers, each enough to stop a write on its own:
 *
 * 1. What would run is checked before anything runs: every statement is prepared and must be a
 *    SELECT (DESCRIBE, SHOW, SUMMARIZE, FROM-first and read-only PRAGMAs are rewritten to SELECT
 *    by DuckDB). EXPLAIN is allowed only around a SELECT: `EXPLAIN ANALYZE` executes the statement
 *    it explains, so its inner statement is prepared and checked the same way. Anything that
 *    cannot be checked (an EXPLAIN in a multi-statement script, EXPLAIN options) is refused:
 *    the check fails closed. `query('...')` and `query_table` are SELECT-only in DuckDB itself.
 * 2. The engine can open only the exact files it is meant to read (`allowed_paths`, no
 *    directories), with external access off and the configuration locked. DuckDB applies
 *    `allowed_paths` to writes too, so COPY, EXPORT DATABASE and ATTACH cannot create a file
 *    anywhere (measured: they fail with "Permission Error"), and COPY over an existing file
 *    fails because its temporary file is not an allowed path. The data files themselves are
 *    written read-only (0444, see atomic-write.ts), so even a COPY that asked DuckDB not to use a
 *    temporary file would be refused by the operating system for the lake's owner; a process
 *    running as root ignores file modes, which is why layer 1 never relies on layer 2.
 * DuckDB has no read-only file access mode (access_mode=READ_ONLY covers only the database, not
 * COPY: measured), so these layers are the root fix rather than a list of forbidden keywords.
 */
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb-instance.ts';

/** Thrown for SQL the read-only engine refuses before running any of it. */
export class ReadOnlyQueryError extends Error {
  override name = 'ReadOnlyQueryError';
}

const READ_ONLY_HINT = 'the lake is read-only here (use SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)';

// EXPLAIN [ANALYZE] after optional leading comments; the rest of the text is the explained statement.
const EXPLAIN_PREFIX = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*EXPLAIN\s+(?:ANALYZE\s+)?/i;
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
// Only to word the refusal of a statement DuckDB could not even bind; never what lets SQL through.
const WRITE_VERB = /^(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|COPY|ATTACH|DETACH|INSTALL|LOAD|SET|RESET|EXPORT|IMPORT|CALL|CHECKPOINT|VACUUM|TRUNCATE|USE)\b/i;

/**
 * Checks that running `sql` cannot change anything: each statement must prepare as a SELECT,
 * an EXPLAIN must explain a SELECT. Returns how many statements there are. Runs nothing.
 */
export async function assertReadOnlySql(connection: DuckDBConnection, sql: string): Promise<number> {
  const extracted = await connection.extractStatements(sql);
  if (extracted.count === 0) throw new ReadOnlyQueryError('no SQL statement to run');
  for (let i = 0; i < extracted.count; i++) {
    let type: StatementType;
    try {
      type = await typeOf(extracted, i);
    } catch (err) {
      // The binder rejects some writes before their type is known ("Can only delete from base
      // table"): nothing ran, but the person should hear why, not see a binder message.
      if (extracted.count === 1 && WRITE_VERB.test(sql.replace(LEADING_COMMENTS, ''))) throw new ReadOnlyQueryError(`statement ${i + 1} is not allowed: ${READ_ONLY_HINT}`, { cause: err });
      throw err;
    }
    if (type === StatementType.SELECT) continue;
    if (type === StatementType.EXPLAIN) {
      if (extracted.count !== 1) throw new ReadOnlyQueryError('EXPLAIN must be the only statement of a query, so that what it runs can be checked');
      const m = EXPLAIN_PREFIX.exec(sql);
      if (!m) throw new ReadOnlyQueryError('this form of EXPLAIN cannot be checked; write EXPLAIN or EXPLAIN ANALYZE followed by a SELECT');
      const inner = await connection.extractStatements(sql.slice(m[0].length));
      const innerType = inner.count === 1 ? await typeOf(inner, 0) : null;
      if (innerType !== StatementType.SELECT) throw new ReadOnlyQueryError(`EXPLAIN is allowed only for a SELECT: ${READ_ONLY_HINT}`);
      continue;
    }
    throw new ReadOnlyQueryError(`statement ${i + 1} is not allowed: ${READ_ONLY_HINT}`);
  }
  return extracted.count;
}

async function typeOf(extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>, index: number): Promise<StatementType> {
  const p = await extracted.prepare(index);
  const t = p.statementType;
  p.destroySync();
  return t;
}

/** What a locked engine may open. */
export interface LockdownScope {
  /** Exact files the engine may read (and nothing else). */
  allowedPaths?: readonly string[];
  /** Folders (prefixes) it may read; only for engines that run SQL we wrote ourselves. */
  allowedDirectories?: readonly string[];
}

/**
 * Confines an engine: only the given files and folders are reachable, external access is off
 * (no other file, no network, no extension install) and the configuration is locked, so no SET
 * can undo any of it. Call after the views are defined and before any untrusted SQL.
 */
export async function lockDownEngine(connection: DuckDBConnection, scope: LockdownScope): Promise<void> {
  const list = (items: readonly string[] | undefined) => `[${(items ?? []).map(sqlString).join(', ')}]`;
  await connection.run(`SET allowed_paths = ${list(scope.allowedPaths)}`);
  await connection.run(`SET allowed_directories = ${list(scope.allowedDirectories)}`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}
