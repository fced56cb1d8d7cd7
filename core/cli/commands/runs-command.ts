import type { Command } from 'commander';
import { describeCrash } from '../../runtime/supervisor.ts';
import { formatBytes, formatDuration } from '../run-format.ts';
import { listRuns, readJobLog, readRun, type RunRecord } from '../../runtime/run-history.ts';
import { isRunId } from '../../runtime/run-journal.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parsePositiveInt } from '../cli-options.ts';

function countsText(r: RunRecord): string {
  return Object.entries(r.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

/** `quantmini runs`: recent runs from the journals, one run's jobs, or one job's log. */
export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('recent update runs with per-job outcome and duration (from metadata/runs/*.jsonl)')
    .option('--limit <n>', 'how many recent runs', parsePositiveInt, 10)
    .action(async (opts: { limit: number }, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const list = await listRuns(ctx.dataRoot, opts.limit);
      if (ctx.json) return ctx.printJson(list);
      if (list.length === 0) return ctx.print(`no runs recorded in ${ctx.dataRoot}`);
      for (const r of list) {
        const dur = r.durationMs !== null ? formatDuration(r.durationMs) : 'running';
        ctx.print(`${r.runId}  ${r.state.padEnd(11)} ${dur.padStart(7)}  ${r.jobs.length} job(s)${r.jobs.length ? ` (${countsText(r)})` : ''}  ${formatBytes(r.bytesDownloaded)}  ${r.command}`);
        for (const j of r.jobs) {
          const d = j.durationMs !== null ? formatDuration(j.durationMs) : '-';
          const crash = j.crashes.length ? `  crashes: ${j.crashes.map((c) => describeCrash(c)).join('; ')}` : '';
          ctx.print(`    ${j.kind.padEnd(8)} ${j.dataset.padEnd(14)} ${j.date}  ${j.state.padEnd(12)} ${d.padStart(6)}  attempts ${j.attempts}${crash}`);
        }
      }
    });

  runs
    .command('show <runId>')
    .description('one run in detail: every job with its outcome, attempts, crashes and error')
    .action(async (runId: string, _opts: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd);
      if (!isRunId(runId)) throw new CliError(`"${runId}" is not a run id (like 2026-11-21T22-10-05Z-ab12; see quantmini runs)`, 2);
      const r = await readRun(ctx.dataRoot, runId);
      if (!r) throw new CliError(`no run ${runId} in ${ctx.dataRoot}`);
      if (ctx.json) return ctx.printJson(r);
      ctx.print(`run ${r.runId}: ${r.state}, started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''} by pid ${r.pid} on ${r.host}`);
      ctx.print(`  ${r.command}`);
      ctx.print(`  ${r.jobs.length} job(s)${r.jobs.length ? ` (${countsText(r)})` : ''}, ${formatBytes(r.bytesDownloaded)} downloaded`);
      for (const j of r.jobs) {
        ctx.print(`  ${j.id}: ${j.state}, attempts ${j.attempts}${j.durationMs !== null ? `, ${formatDuration(j.durationMs)}` : ''}${j.rows !== undefined ? `, ${j.rows} rows` : ''}${j.bytes !== undefined ? `, ${formatBytes(j.bytes)}` : ''}`);
        for (const c of j.crashes) ctx.print(`      attempt ${c.attempt} ${describeCrash(c)}${c.detail ? `: ${c.detail}` : ''}`);
        for (const w of j.warnings) ctx.print(`      warning: ${w}`);
        if (j.error) ctx.print(`      error: ${j.error}`);
      }
    });

  runs
    .command('log <runId> <jobId>')
    .description("print one job's log (metadata/runs/<run-id>/<job-id>.log)")
    .action(async (runId: string, jobId: string, _opts: unknown, cmd: Command) => {
      const ctx = createCliContext(cmd);
      if (!isRunId(runId)) throw new CliError(`"${runId}" is not a run id`, 2);
      const text = await readJobLog(ctx.dataRoot, runId, jobId);
      if (text === null) throw new CliError(`no log for job ${jobId} in run ${runId}`);
      if (ctx.json) return ctx.printJson({ runId, jobId, lines: text.split('\n').filter(Boolean) });
      process.stdout.write(text);
    });
}
