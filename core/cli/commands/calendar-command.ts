import type { Command } from 'commander';
import { earlyCloses, holidays, tradingDays } from '../../calendar/index.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate } from '../cli-options.ts';

/** `quantmini calendar --from D --to D`: NYSE trading days, holidays and early closes. */
export function registerCalendarCommand(program: Command): void {
  program
    .command('calendar')
    .description('list NYSE trading days, weekday holidays and early closes in a date range')
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--to <date>', 'last date (YYYY-MM-DD)', parseIsoDate)
    .action((opts: { from: string; to: string }, cmd: Command) => {
      if (opts.from > opts.to) throw new CliError(`--from ${opts.from} is after --to ${opts.to}`);
      const ctx = createCliContext(cmd);
      const result = {
        tradingDays: tradingDays(opts.from, opts.to),
        holidays: holidays(opts.from, opts.to),
        earlyCloses: earlyCloses(opts.from, opts.to),
      };
      if (ctx.json) return ctx.printJson(result);
      ctx.print(`${result.tradingDays.length} trading days from ${opts.from} to ${opts.to}`);
      for (const h of result.holidays) ctx.print(`  closed       ${h.date}  ${h.name}`);
      for (const e of result.earlyCloses) ctx.print(`  early close  ${e.date}  ${e.closeEt} ET`);
    });
}
