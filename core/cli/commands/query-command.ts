import os from 'node:os';
import type { Command } from 'commander';
import { openLakeQuery, QueryTimeLimitError, ReadOnlyQueryError, type LakeQueryResult } from '../../lake/lake-query.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parsePositiveInt } from '../cli-options.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Renders a result as an aligned text table (numbers right-aligned). */
export function formatTable(result: LakeQueryResult): string[] {
  const header = result.columns.map((c) => c.name);
  const body = result.rows.map((r) => r.map(cell));
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((r) => (r[i] ?? '').length))));
  const numeric = result.columns.map((c) => /INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(c.type));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => {
      const s = c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c;
      return numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
    }).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)];
}

/** `quantmini query "SQL"`: read-only DuckDB SQL over bronze views (stocks_daily, ...). */
export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('run read-only SQL over the bronze views stocks_daily, stocks_minute, options_daily, options_minute (and <dataset>_rejects)')
    .argument('<sql>', 'the SQL (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)')
    .option('--max-rows <n>', 'rows to print at most', parsePositiveInt, 1000)
    .option('--time-limit <seconds>', 'stop the query after this many seconds (default: setting sql.timeLimitSeconds)', parsePositiveInt)
    .action(async (sql: string, opts: { maxRows: number; timeLimit?: number }, cmd: Command) => {
      const ctx = createCliContext(cmd, { lake: 'read' });
      const c = ctx.config.settings.concurrency;
      const limits = ctx.config.settings.sql;
      const lake = await openLakeQuery(ctx.dataRoot, {
        threads: c.duckdbThreads ?? Math.max(1, os.availableParallelism()),
        memoryLimit: c.duckdbMemoryLimit ?? '2GB',
        timeLimitMs: (opts.timeLimit ?? limits.timeLimitSeconds) * 1000,
        maxResultBytes: limits.maxResultMiB * 1024 * 1024,
      });
      try {
        let result: LakeQueryResult;
        try {
          result = await lake.run(sql, { maxRows: opts.maxRows });
        } catch (err) {
          const msg = (err as Error).message;
          const hint = lake.views().length === 0 ? ' (the lake has no bronze files yet: run backfill first)' : ` (views: ${lake.views().join(', ')})`;
          if (err instanceof ReadOnlyQueryError || err instanceof QueryTimeLimitError) throw new CliError(msg);
          throw new CliError(`query failed: ${msg.split('\n')[0]}${/does not exist/.test(msg) ? hint : ''}`);
        }
        if (ctx.json) ctx.printJson(result);
        else for (const line of formatTable(result)) ctx.print(line);
        const cut = result.truncatedBy === 'rows' ? ` (truncated at --max-rows ${opts.maxRows})` : result.notice ? ` (${result.notice})` : '';
        const line = `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}${cut} in ${result.elapsedMs} ms`;
        if (ctx.json) ctx.notice(line);
        else ctx.print(line);
      } finally {
        lake.close();
      }
    });
}
