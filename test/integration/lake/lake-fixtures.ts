import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { etMidnightUtc } from '../../../core/calendar/index.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';

/** Header of every aggregate flat file. */
export const AGG_HEADER = 'ticker,volume,open,close,high,low,window_start,transactions';

/** Creates an empty temporary lake root. */
export async function makeTempLake(prefix = 'qm-lake-'): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Epoch nanoseconds of `hh:mm` New York time on a date. */
export function etNs(date: string, hh: number, mm = 0): bigint {
  return (BigInt(etMidnightUtc(date).getTime()) + BigInt(hh * 3600 + mm * 60) * 1000n) * 1_000_000n;
}

/** One CSV line of an aggregate bar. */
export function bar(ticker: string, ws: bigint, o = 10, c = 11, h = 12, l = 9, v: number | string = 100, n = 5): string {
  return `${ticker},${v},${o},${c},${h},${l},${ws},${n}`;
}

/** A gzip CSV body from lines (header prepended unless `header` is null). */
export function csvGz(lines: readonly string[], header: string | null = AGG_HEADER): Buffer {
  const text = [...(header === null ? [] : [header]), ...lines].join('\n') + '\n';
  return zlib.gzipSync(Buffer.from(text));
}

/** Puts a file into landing as if the downloader had fetched it (no landing record). */
export async function putLanding(lakeRoot: string, dataset: string, date: string, body: Buffer): Promise<string> {
  const file = lakePaths(lakeRoot).landingFile(dataset, date);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, body);
  return file;
}

/** A regular-session minute file: `tickers` x `minutes` bars from 09:30 ET, sorted by ticker then time. */
export function minuteDay(date: string, tickers: number, minutes: number): string[] {
  const lines: string[] = [];
  for (let t = 0; t < tickers; t++) {
    const ticker = `T${String(t).padStart(4, '0')}`;
    for (let m = 0; m < minutes; m++) lines.push(bar(ticker, etNs(date, 9, 30 + m), 10 + t, 10.5 + t, 11 + t, 9.5 + t, 100 + m, 1 + m));
  }
  return lines;
}

/** Every file under `root/sub`, relative to that folder, sorted (for "nothing else was written" assertions). */
export function listFiles(root: string, sub = ''): string[] {
  const base = path.join(root, sub);
  const walk = (rel: string): string[] => {
    const dir = path.join(base, rel);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(rel, e.name)) : [path.join(rel, e.name)]));
  };
  return walk('').sort();
}
