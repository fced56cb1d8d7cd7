import type { Command } from 'commander';
import { etDateOf } from '../../calendar/index.ts';
import { createLakeRegistry } from '../../datasets/index.ts';
import { registryOptionsOf } from '../../runtime/run-engine.ts';
import { computeCoverage } from '../../lake/coverage.ts';
import type { Layer } from '../../lake/lake-paths.ts';
import { firstRecordDate } from '../../lake/partition-index.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList } from '../cli-options.ts';
import { parseDatasetList } from './dataset-options.ts';

interface StatusOpts {
  dataset?: string[];
  layer: string;
  from?: string;
  to?: string;
}

/** One dataset's line of `status --json`. */
export interface DatasetStatus {
  dataset: string;
  layer: Layer;
  from: string | null;
  to: string;
  complete: number;
  degraded: number;
  missing: number;
  pending: number;
  failed: number;
  notEntitled: number;
  running: number;
  watermark: string | null;
}

/**
 * `quantmini status`: per dataset, trading-day counts by coverage state and the watermark. The
 * range runs from the dataset's first recorded day (or --from) to today in New York (or --to),
 * so a lake that holds March 2024 is not reported as missing ten years of history.
 */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('coverage counts and watermark per dataset (from its first recorded day to today)')
    .option('--dataset <list>', 'datasets to report (default: every dataset with the layer)', parseList)
    .option('--layer <layer>', 'landing, bronze, silver (silver datasets and feature sets) or gold (the Qlib directories)', 'bronze')
    .option('--from <date>', 'first date (default: first recorded day)', parseIsoDate)
    .option('--to <date>', 'last date (default: today, New York)', parseIsoDate)
    .action(async (opts: StatusOpts, cmd: Command) => {
      if (!['bronze', 'landing', 'silver', 'gold'].includes(opts.layer)) throw new CliError(`--layer must be landing, bronze, silver or gold (got "${opts.layer}")`, 2);
      const layer = opts.layer as Layer;
      const ids = opts.dataset ? parseDatasetList(opts.dataset, '--dataset', { layer }) : null;
      const ctx = createCliContext(cmd, { lake: 'read' });
      const registry = createLakeRegistry(registryOptionsOf(ctx.config.settings));
      const to = opts.to ?? etDateOf(new Date());
      const historyStart = ctx.source.kind === 'demo' ? ctx.config.settings.demo.historyStart : undefined;
      const rows: DatasetStatus[] = [];
      for (const dataset of ids ?? registry.inLayer(layer).map((e) => e.id)) {
        const from = opts.from ?? firstRecordDate(ctx.dataRoot, layer, dataset);
        const empty: DatasetStatus = { dataset, layer, from, to, complete: 0, degraded: 0, missing: 0, pending: 0, failed: 0, notEntitled: 0, running: 0, watermark: null };
        if (!from || from > to) {
          rows.push(empty);
          continue;
        }
        const [cov] = await computeCoverage({ lakeRoot: ctx.dataRoot, datasets: [dataset], layer, from, to, registry, ...(historyStart ? { historyStart } : {}) });
        const c = cov!.counts;
        rows.push({ ...empty, complete: c.complete, degraded: c.degraded, missing: c.missing, pending: c.pending, failed: c.failed, notEntitled: c.not_entitled, running: c.running, watermark: cov!.watermark });
      }
      if (ctx.json) {
        ctx.printJson({ datasets: rows });
      } else {
        ctx.print(`${'dataset'.padEnd(16)} ${'layer'.padEnd(8)} ${'range'.padEnd(23)} complete degraded missing pending failed not_entitled  watermark`);
        for (const r of rows) {
          const range = r.from ? `${r.from}..${r.to}` : '(no data)';
          ctx.print(
            `${r.dataset.padEnd(16)} ${r.layer.padEnd(8)} ${range.padEnd(23)} ${String(r.complete).padStart(8)} ${String(r.degraded).padStart(8)} ${String(r.missing).padStart(7)} ${String(r.pending).padStart(7)} ${String(r.failed).padStart(6)} ${String(r.notEntitled).padStart(12)}  ${r.watermark ?? '-'}`,
          );
        }
      }
      const gaps = rows.reduce((n, r) => n + r.degraded + r.missing + r.pending + r.failed + r.notEntitled, 0);
      const line = `status ${layer}: ${rows.filter((r) => r.from).length} of ${rows.length} datasets have data; ${rows.reduce((n, r) => n + r.complete, 0)} complete days, ${gaps} not complete`;
      if (ctx.json) ctx.notice(line);
      else ctx.print(line);
    });
}
