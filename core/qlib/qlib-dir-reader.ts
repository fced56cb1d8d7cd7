import fs from 'node:fs';
import path from 'node:path';
import { decodeQlibBin, type QlibSeries } from './qlib-bin.ts';
import { featureDirName } from './qlib-symbols.ts';

/** One line of instruments/<market>.txt: an instrument listed from `start` to `end` (calendar strings). */
export interface QlibSpan {
  instrument: string;
  start: string;
  end: string;
}

/** Reads calendars/<freq>.txt: one timestamp per line, in order. */
export function readQlibCalendar(qlibDir: string, freq = 'day'): string[] {
  const file = path.join(qlibDir, 'calendars', `${freq}.txt`);
  const text = readText(file, 'calendar');
  return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Reads instruments/<market>.txt: `SYMBOL<TAB>start<TAB>end` lines; several lines for one symbol are several spans. */
export function readQlibInstruments(qlibDir: string, market = 'all'): QlibSpan[] {
  const file = path.join(qlibDir, 'instruments', `${market}.txt`);
  const spans: QlibSpan[] = [];
  readText(file, 'instruments file').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const [instrument, start, end] = line.split('\t');
    if (!instrument || !start || !end) throw new Error(`${file}:${i + 1}: expected SYMBOL<TAB>start<TAB>end, got ${JSON.stringify(line.slice(0, 80))}`);
    spans.push({ instrument, start: start.trim(), end: end.trim() });
  });
  return spans;
}

/** Path of an instrument's feature file as Qlib resolves it (lowercase directory, lowercase field). */
export function qlibFeaturePath(qlibDir: string, instrument: string, field: string, freq = 'day'): string {
  return path.join(qlibDir, 'features', featureDirName(instrument), `${field.toLowerCase()}.${freq.toLowerCase()}.bin`);
}

/** Reads one feature file; null when it does not exist (Qlib treats that field as all-NaN). */
export function readQlibFeature(qlibDir: string, instrument: string, field: string, freq = 'day'): QlibSeries | null {
  const file = qlibFeaturePath(qlibDir, instrument, field, freq);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return decodeQlibBin(bytes, file);
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`not a Qlib directory: no ${what} at ${file}`, { cause: err });
    throw err;
  }
}
