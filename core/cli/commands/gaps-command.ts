import type { Command } from 'commander';
import { createLakeRegistry } from '../../datasets/index.ts';
import { registryOptionsOf } from '../../runtime/run-engine.ts';
import { computeCoverage, gapsOf } from '../../lake/coverage.ts';
import type { Layer } from '../../lake/lake-paths.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate } from '../cli-options.ts';
import { datasetIdsHelp, parseDatasetList } from './dataset-options.ts';

interface GapsOpts {
  dataset: string;
  layer: string;
  from: string;
  to: string;
}

/** `quantmini gaps --dataset X [--layer landing|bronze] --from D --to D`: days that are not complete. */
export function registerGapsCommand(program: Command): void {
  program
    .command('gaps')
    .description('list the trading days of a dataset that are not complete (missing, pending, failed, ...)')
    .requiredOption('--dataset <id>', `one dataset: ${datasetIdsHelp({ layer: 'bronze' })}`)
    .option('--layer <layer>', 'landing or bronze', 'bronze')
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--to <date>', 'last date (YYYY-MM-DD)', parseIsoDate)
    .action(async (opts: GapsOpts, cmd: Command) => {
      if (opts.layer !== 'bronze' && opts.layer !== 'landing') throw new CliError(`--layer must be landing or bronze (got "${opts.layer}")`, 2);
      if (opts.from > opts.to) throw new CliError(`--from ${opts.from} is after --to ${opts.to}`);
      const layer = opts.layer as Layer;
      const [dataset] = parseDatasetList([opts.dataset], '--dataset', { layer }) as [string];
      const ctx = createCliContext(cmd, { lake: 'read' });
      const registry = createLakeRegistry(registryOptionsOf(ctx.config.settings));
      const historyStart = ctx.source.kind === 'demo' ? ctx.config.settings.demo.historyStart : undefined;
      const [cov] = await computeCoverage({ lakeRoot: ctx.dataRoot, datasets: [dataset], layer, from: opts.from, to: opts.to, registry, ...(historyStart ? { historyStart } : {}) });
      const gaps = gapsOf(cov!);
      const errors = new Map(cov!.cells.map((c) => [c.date, c.lastError]));
      if (ctx.json) {
        ctx.printJson({ dataset, layer, gaps });
      } else {
        for (const g of gaps) ctx.print(`${g.date}  ${g.state.padEnd(12)} ${errors.get(g.date) ?? ''}`.trimEnd());
      }
      const line = `gaps ${dataset} ${layer} ${opts.from}..${opts.to}: ${gaps.length} day${gaps.length === 1 ? '' : 's'} not complete; watermark ${cov!.watermark ?? 'none'}`;
      if (ctx.json) ctx.notice(line);
      else ctx.print(line);
    });
}
