import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { createLakeRegistry } from '../../datasets/index.ts';
import { checkGold, type GoldCheckOptions } from '../../layers/gold/gold-check.ts';
import { lakeGoldDir } from '../../layers/gold/gold-store.ts';
import { checkLakeGold, writeLakeGoldCheck } from '../../layers/gold/lake-gold-check.ts';
import { checkLakeMinuteGold } from '../../layers/gold/lake-minute-gold-check.ts';
import { minuteSessionOf } from '../../layers/gold/minute-gold-job-kind.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { registryOptionsOf } from '../../runtime/run-engine.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseNonNegativeInt } from '../cli-options.ts';

interface CheckOptions {
  qlibDir?: string;
  freq: string;
  report?: string;
  priceStep: number;
  volumeStep: number;
  missingDataNum: number;
  calendar: 'nyse' | 'none';
  session?: 'regular' | 'extended';
  expectedSpans?: string;
  tradedDays?: string;
  /** --no-silver: do not compare the lake's gold with silver. */
  silver: boolean;
  /** --no-save: do not store the report in the lake. */
  save: boolean;
}

const parsePositive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${v}" is not a positive number`);
  return n;
};

/** Reads a JSON object file { INSTRUMENT: value } into a Map. */
function readJsonMap<T>(file: string, what: string, valid: (v: unknown) => v is T): Map<string, T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${what} ${file}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(`${what} ${file}: expected a JSON object keyed by instrument`);
  }
  const out = new Map<string, T>();
  for (const [k, v] of Object.entries(parsed)) {
    if (!valid(v)) throw new CliError(`${what} ${file}: the value for ${k} has the wrong shape`);
    out.set(k, v);
  }
  return out;
}

const isSpanList = (v: unknown): v is Array<{ start: string; end: string }> =>
  Array.isArray(v) &&
  v.every((s) => {
    const span = s as { start?: unknown; end?: unknown } | null;
    return Boolean(span) && typeof span === 'object' && typeof span!.start === 'string' && typeof span!.end === 'string';
  });
const isDateList = (v: unknown): v is string[] => Array.isArray(v) && v.every((d) => typeof d === 'string');

/** `quantmini qlib check`: Qlib's check_data_health rules and ours; exit 1 when a finding is an error. */
export function registerQlibCheckCommand(qlib: Command): void {
  qlib
    .command('check')
    .description("check a Qlib directory: Qlib's check_data_health rules plus calendar, span and bin-length rules; exit 1 on errors")
    .option('--qlib-dir <dir>', "Qlib directory (default: the lake's gold/qlib/us for day data, gold/qlib/us_1min for --freq 1min)")
    .option('--freq <freq>', 'frequency to check', 'day')
    .option('--report <file>', 'also write the JSON report to this file')
    .option('--price-step <x>', 'report price changes above this fraction (Qlib: 0.5)', parsePositive, 0.5)
    .option('--volume-step <x>', 'report volume changes above this multiple (Qlib: 3)', parsePositive, 3)
    .option('--missing-data-num <n>', 'report fields with more NaN than this (Qlib: 0)', parseNonNegativeInt, 0)
    .addOption(
      new Option('--calendar <kind>', 'compare the calendar with the NYSE calendar, or not').choices(['nyse', 'none']).default('nyse'),
    )
    .addOption(new Option('--session <session>', 'minute data: the session the calendar should hold').choices(['regular', 'extended']))
    .option('--expected-spans <file>', 'JSON {INSTRUMENT: [{start, end}, ...]}: the spans all.txt must have')
    .option('--traded-days <file>', 'JSON {INSTRUMENT: [date, ...]}: days each instrument traded (NaN there is an error)')
    .option('--no-silver', "the lake's gold: do not take expected spans and traded days (minutes) from silver (and bronze's minute bars)")
    .option('--no-save', "the lake's gold: do not store the report in the lake (metadata/checks/, read by the app)")
    .action(async (opts: CheckOptions, cmd: Command) => {
      // The lake's own gold (no --qlib-dir, or one naming it) is checked against silver and its report kept in the lake.
      const probe = createCliContext(cmd);
      const lakeDir = lakeGoldDir(probe.dataRoot, 'us', opts.freq);
      const ofLake = !opts.qlibDir || path.resolve(opts.qlibDir) === path.resolve(lakeDir);
      const ctx = ofLake ? createCliContext(cmd, { lake: opts.save ? 'write' : 'read' }) : probe;
      const dir = ofLake ? lakeDir : opts.qlibDir!;
      if (!fs.existsSync(dir)) throw new CliError(`no Qlib directory at ${dir}`);
      // Read one generation throughout: an update switching the symlink meanwhile does not mix two.
      const real = ofLake ? fs.realpathSync(dir) : dir;
      // The lake's minute gold holds the session its settings say, unless --session says otherwise.
      const session = opts.session ?? (ofLake && opts.freq === '1min' ? minuteSessionOf(ctx.config.settings) : undefined);
      const fromLake = ofLake && opts.silver && !opts.expectedSpans && !opts.tradedDays;
      const registry = () => createLakeRegistry(registryOptionsOf(ctx.config.settings));
      const duckdb = { threads: 2, memoryLimit: '1GB' };
      const rules = { priceStep: opts.priceStep, volumeStep: opts.volumeStep, missingDataNum: opts.missingDataNum, calendar: opts.calendar };
      // The lake's gold against silver: the same functions the app's check runs (stored below, with a notice).
      const lakeCheck = !fromLake
        ? null
        : opts.freq === 'day'
          ? checkLakeGold(ctx.dataRoot, registry(), { duckdb, check: rules, save: false })
          : opts.freq === '1min'
            ? checkLakeMinuteGold(ctx.dataRoot, registry(), { duckdb, session: session!, check: rules, save: false })
            : null;
      const checkOpts: GoldCheckOptions = {
        freq: opts.freq,
        ...rules,
        session,
        expectedSpans: opts.expectedSpans ? readJsonMap(opts.expectedSpans, '--expected-spans', isSpanList) : undefined,
        tradedDays: opts.tradedDays ? readJsonMap(opts.tradedDays, '--traded-days', isDateList) : undefined,
      };
      const report = lakeCheck ? await lakeCheck : { ...checkGold(real, checkOpts), qlibDir: path.resolve(dir) };
      return (async () => {
        if (opts.report) await writeFileAtomic(opts.report, `${JSON.stringify(report, null, 2)}\n`);
        if (ofLake && opts.save) {
          const stored = await writeLakeGoldCheck(ctx.dataRoot, report);
          ctx.notice(`report stored in the lake: ${path.relative(ctx.dataRoot, stored)}`);
        }
        if (!report.ok) process.exitCode = 1;
        if (ctx.json) return ctx.printJson(report);
        ctx.print(
          `${report.qlibDir}: ${report.instruments} instruments, ${report.bins} bins, ` +
            `calendar ${report.calendar.first ?? '-'} .. ${report.calendar.last ?? '-'} (${report.calendar.length})`,
        );
        for (const f of report.findings) {
          const who = [f.instrument, f.field].filter(Boolean).join(' ');
          const when = f.dates.length ? ` [${f.dates.slice(0, 5).join(', ')}${f.dateCount > 5 ? `, ... ${f.dateCount} in all` : ''}]` : '';
          ctx.print(`  ${f.level === 'error' ? 'ERROR  ' : 'warning'} ${f.rule}${who ? ` ${who}` : ''}: ${f.message}${when}`);
        }
        ctx.print(`${report.counts.error} errors, ${report.counts.warning} warnings`);
      })();
    });
}
