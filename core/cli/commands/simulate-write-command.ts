import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { tradingDays } from '../../calendar/index.ts';
import { flatFileDataset, flatFileKey, FLAT_FILE_DATASETS, isFlatFileDatasetId, type FlatFileDatasetId } from '../../datasets/index.ts';
import { commitTempFile, sweepTempDir, tempPathFor } from '../../files/atomic-write.ts';
import { flatFileAbsence, streamFlatFile } from '../../sources/simulator/flat-files/index.ts';
import { createMarket } from '../../sources/simulator/market/index.ts';
import type { SimulatedMarket } from '../../sources/simulator/simulator-types.ts';
import { createCliContext } from '../cli-context.ts';
import { CliError } from '../cli-errors.ts';
import { parseIsoDate, parseList, parsePositiveInt } from '../cli-options.ts';
import { formatBytes } from '../../format/units.ts';

interface WriteOptions {
  out: string;
  datasets: string[];
  from: string;
  to: string;
  seed?: number;
  tickers?: number;
  marketFrom?: string;
}

/** One file written by the command. */
interface WrittenFile {
  dataset: FlatFileDatasetId;
  date: string;
  key: string;
  path: string;
  bytes: number;
  etag: string;
}

/** Commander parser for a whole number (seeds may be negative). */
function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

/** A pass-through that counts bytes and computes the MD5 (the S3 ETag) of what flows through it. */
function measuring(): { stream: Transform; result: () => { bytes: number; etag: string } } {
  const md5 = crypto.createHash('md5');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      md5.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, etag: `"${md5.digest('hex')}"` }) };
}

/** Streams one rendered file to `<out>/<key>` through a temporary file under `<out>/.tmp`. */
async function writeOne(market: SimulatedMarket, out: string, dataset: FlatFileDatasetId, date: string): Promise<WrittenFile | null> {
  const stream = streamFlatFile(market, dataset, date);
  if (!stream) return null;
  const key = flatFileKey(flatFileDataset(dataset), date);
  const target = path.join(out, ...key.split('/'));
  const tmp = tempPathFor(target, out);
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  const meter = measuring();
  try {
    await pipeline(stream, meter.stream, fs.createWriteStream(tmp, { mode: 0o644 }));
    await commitTempFile(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(`could not write ${dataset} for ${date} to ${target}: ${why}`);
  }
  return { dataset, date, key, path: target, ...meter.result() };
}

/**
 * `quantmini simulate write`: writes the simulated bucket's objects as files under `--out/<key>`,
 * byte for byte what `simulate serve` returns for the same seed, tickers and history start.
 */
export function registerSimulateWriteCommand(simulate: Command): void {
  simulate
    .command('write')
    .description('write simulated flat files (the exact objects the simulated bucket serves) under a folder, one per dataset and trading day')
    .requiredOption('--out <dir>', 'folder to write into; files go to <dir>/<S3 key>')
    .requiredOption('--datasets <list>', `comma-separated datasets (${FLAT_FILE_DATASETS.map((d) => d.id).join(', ')})`, parseList)
    .requiredOption('--from <date>', 'first date to write (YYYY-MM-DD)', parseIsoDate)
    .requiredOption('--to <date>', 'last date to write (YYYY-MM-DD)', parseIsoDate)
    .option('--seed <n>', 'market seed (default: config demo.seed)', parseInteger)
    .option('--tickers <n>', 'stock tickers in the universe (default: config demo.tickers)', parsePositiveInt)
    .option('--market-from <date>', 'first date of the simulated history (default: config demo.historyStart, or --from if earlier)', parseIsoDate)
    .action(async (opts: WriteOptions, cmd: Command) => {
      if (opts.from > opts.to) throw new CliError(`--from ${opts.from} is after --to ${opts.to}`, 2);
      const unknown = opts.datasets.filter((d) => !isFlatFileDatasetId(d));
      if (unknown.length > 0 || opts.datasets.length === 0) {
        throw new CliError(`--datasets: unknown ${unknown.join(', ') || '(empty list)'}; known: ${FLAT_FILE_DATASETS.map((d) => d.id).join(', ')}`, 2);
      }
      const ctx = createCliContext(cmd);
      const demo = ctx.config.settings.demo;
      const seed = opts.seed ?? demo.seed;
      const tickers = opts.tickers ?? demo.tickers;
      // Prices depend on where the history starts, so default to the start `simulate serve` uses.
      const marketFrom = opts.marketFrom ?? (opts.from < demo.historyStart ? opts.from : demo.historyStart);
      if (marketFrom > opts.from) throw new CliError(`--market-from ${marketFrom} is after --from ${opts.from}`, 2);
      let market: SimulatedMarket;
      try {
        market = createMarket({ seed, tickers, from: marketFrom, to: opts.to });
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err), 2);
      }
      const out = path.resolve(opts.out);
      await fs.promises.mkdir(out, { recursive: true });
      await sweepTempDir(out);

      const started = performance.now();
      const written: WrittenFile[] = [];
      let skipped = 0;
      const days = tradingDays(opts.from, opts.to);
      for (const dataset of opts.datasets as FlatFileDatasetId[]) {
        for (const date of days) {
          if (flatFileAbsence(market, dataset, date) !== null) {
            skipped += 1;
            continue;
          }
          const file = await writeOne(market, out, dataset, date);
          if (file) written.push(file);
          ctx.logger.debug({ dataset, date, bytes: file?.bytes }, 'simulated flat file written');
        }
      }
      // Leave the folder looking like the bucket: drop the scratch folder once it is empty.
      await fs.promises.rmdir(path.join(out, '.tmp')).catch(() => undefined);
      const seconds = (performance.now() - started) / 1000;
      const totalBytes = written.reduce((a, f) => a + f.bytes, 0);
      if (ctx.json) {
        ctx.printJson({ out, from: opts.from, to: opts.to, seed, tickers, marketFrom, files: written, totalBytes, skipped, seconds });
        return;
      }
      const perDataset = opts.datasets.map((d) => `${d} ${written.filter((f) => f.dataset === d).length}`).join(', ');
      const skippedNote = skipped > 0 ? `, ${skipped} skipped before the dataset's history` : '';
      ctx.print(`wrote ${written.length} files (${formatBytes(totalBytes)}) to ${out}: ${perDataset} for ${opts.from}..${opts.to} in ${seconds.toFixed(1)} s${skippedNote}`);
    });
}
