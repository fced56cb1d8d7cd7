import { InvalidArgumentError, Option, type Command } from 'commander';
import { latestPublishedTradingDay } from '../../calendar/index.ts';
import { PLAN_NAMES } from '../../config/index.ts';
import { FAULT_SYNTAX_HELP, FaultSyntaxError, parseFaults } from '../../sources/simulator/faults/parse-faults.ts';
import type { PlanName } from '../../sources/simulator/faults/simulator-plans.ts';
import { startSimulatorServers } from '../../sources/simulator/simulator-servers.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseNonNegativeInt, parsePositiveInt } from '../cli-options.ts';
import { registerSimulateWriteCommand } from './simulate-write-command.ts';

interface ServeOptions {
  host: string;
  port: number;
  restPort: number;
  seed?: number;
  tickers?: number;
  from?: string;
  to?: string;
  plan: PlanName;
  faults?: string;
}

/** Commander parser for a whole number (seeds may be negative). */
function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

/** Resolves when the process is asked to stop (Ctrl-C or a service manager's SIGTERM). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `quantmini simulate serve`: both simulator endpoints on loopback until SIGINT/SIGTERM. */
function registerServe(simulate: Command): void {
  simulate
    .command('serve')
    .description('serve the simulated market over an S3-compatible endpoint and the Polygon REST endpoints; prints one JSON line with the endpoints and credentials once ready')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'S3 port (0 = any free port)', parseNonNegativeInt, 0)
    .option('--rest-port <n>', 'REST port (0 = any free port)', parseNonNegativeInt, 0)
    .option('--seed <n>', 'market seed (default: config demo.seed)', parseInteger)
    .option('--tickers <n>', 'stock tickers in the universe (default: config demo.tickers)', parsePositiveInt)
    .option('--from <date>', 'first date of the history (default: config demo.historyStart)', parseIsoDate)
    .option('--to <date>', 'last date of the history (default: the latest published trading day)', parseIsoDate)
    .addOption(new Option('--plan <name>', 'entitlements to simulate').choices(PLAN_NAMES).default('advanced'))
    .option('--faults <list>', 'faults to inject (syntax below), e.g. truncated@2024-03-05,slowdown:3')
    .addHelpText('after', `\nFaults (--faults): ${FAULT_SYNTAX_HELP}\n`)
    .action(async (opts: ServeOptions, cmd: Command) => {
      const ctx = createCliContext(cmd);
      const demo = ctx.config.settings.demo;
      const from = opts.from ?? demo.historyStart;
      const to = opts.to ?? latestPublishedTradingDay(new Date());
      if (from > to) throw new CliError(`--from ${from} is after --to ${to}`, 2);
      let faults;
      try {
        faults = parseFaults(opts.faults ?? '');
      } catch (err) {
        if (err instanceof FaultSyntaxError) throw new CliError(`--faults: ${err.message}`, 2);
        throw err;
      }
      const stopping = stopSignal();
      const sim = await startSimulatorServers({
        seed: opts.seed ?? demo.seed,
        tickers: opts.tickers ?? demo.tickers,
        from,
        to,
        plan: opts.plan,
        faults,
        host: opts.host,
        port: opts.port,
        restPort: opts.restPort,
      });
      const { s3Endpoint, bucket, accessKeyId, secretAccessKey, restBase, apiKey } = sim;
      process.stdout.write(`${JSON.stringify({ s3Endpoint, bucket, accessKeyId, secretAccessKey, restBase, apiKey })}\n`);
      ctx.notice(`simulator serving ${from}..${to} (seed ${opts.seed ?? demo.seed}, ${opts.tickers ?? demo.tickers} tickers, plan ${opts.plan}); Ctrl-C to stop`);
      const signal = await stopping;
      await sim.close();
      ctx.notice(`simulator stopped (${signal})`);
    });
}

/** Registers `quantmini simulate` with its `serve` and `write` subcommands; returns the parent. */
export function registerSimulateCommand(program: Command): Command {
  const simulate = program.command('simulate').description('the built-in market simulator (deterministic, speaks Polygon/Massive protocols)');
  registerServe(simulate);
  registerSimulateWriteCommand(simulate);
  return simulate;
}
