import { isTradingDay } from '../../../calendar/index.ts';
import { isIsoDate } from '../../../calendar/iso-date.ts';
import { flatFileDataset, type FlatFileDataset, type FlatFileDatasetId } from '../../../datasets/index.ts';
import { aggregateBlock, type BarBlock } from '../market/bar-block.ts';
import { DECIMAL_VOLUME_FROM, type DaySession } from '../market/day-session.ts';
import { PRICE_SCALE, type MarketEngine } from '../market/market-engine.ts';
import { marketEngineOf } from '../market/create-market.ts';
import type { Bar, SimulatedMarket } from '../simulator-types.ts';
import { createCsvByteWriter, putBytes, putDecimal, putUint } from './csv-byte-writer.ts';

/** The exact header of every aggregate flat file. */
export const FLAT_FILE_HEADER = 'ticker,volume,open,close,high,low,window_start,transactions\n';
const HEADER_BYTES = Buffer.from(FLAT_FILE_HEADER, 'latin1');
const DEFAULT_CHUNK_BYTES = 4 << 20;
const COMMA = 44;
const NEWLINE = 10;
const MICRO = 1_000_000;

/** Why a dataset has no file for a date, in the lake's coverage vocabulary. */
export type FlatFileAbsence = 'non_trading' | 'out_of_range';

/** Whether the simulated bucket holds a dataset's file for a date, and if not, why not. */
export function flatFileAbsence(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): FlatFileAbsence | null {
  const dataset = flatFileDataset(datasetId);
  if (!isIsoDate(date) || date < market.options.from || date > market.options.to || date < dataset.firstDate) return 'out_of_range';
  return isTradingDay(date) ? null : 'non_trading';
}

/** How numbers are printed in a file: stocks from 2026 carry six decimals on volumes and prices. */
interface RowFormat {
  scale: number;
  places: number;
  fixedPrice: number;
  decimalVolume: boolean;
}

function rowFormat(dataset: FlatFileDataset, date: string): RowFormat {
  const stocks = dataset.assetClass === 'stocks';
  const decimal = stocks && date >= DECIMAL_VOLUME_FROM;
  return { scale: PRICE_SCALE[dataset.assetClass], places: stocks ? 4 : 2, fixedPrice: decimal ? 6 : 0, decimalVolume: decimal };
}

/** window_start of every minute of a day as 19 ASCII digits (ms since epoch followed by 000000). */
function minuteStartDigits(s: DaySession): Uint8Array {
  const out = new Uint8Array(960 * 19);
  for (let m = 0; m < 960; m++) {
    const digits = `${s.startMs + m * 60_000}000000`;
    for (let i = 0; i < 19; i++) out[m * 19 + i] = digits.charCodeAt(i);
  }
  return out;
}

/** CSV chunks straight from the engine's column blocks (the fast path). */
function* engineChunks(engine: MarketEngine, dataset: FlatFileDataset, s: DaySession, chunkBytes: number): Generator<Buffer> {
  const pending: Buffer[] = [];
  const w = createCsvByteWriter(chunkBytes, (c) => pending.push(c));
  w.pos = putBytes(w.buf, 0, HEADER_BYTES);
  const f = rowFormat(dataset, s.date);
  const minuteFile = dataset.frequency === 'minute';
  const starts = minuteFile ? minuteStartDigits(s) : Uint8Array.from(`${s.midnightMs}000000`, (c) => c.charCodeAt(0));

  const putRow = (b: BarBlock, volume: number, open: number, close: number, high: number, low: number, startAt: number, tx: number): void => {
    w.reserve();
    const buf = w.buf;
    let pos = putBytes(buf, w.pos, b.tickerBytes);
    buf[pos++] = COMMA;
    pos = f.decimalVolume ? putDecimal(buf, pos, volume, 6, MICRO, 6) : putUint(buf, pos, volume);
    buf[pos++] = COMMA;
    pos = putDecimal(buf, pos, open, f.places, f.scale, f.fixedPrice);
    buf[pos++] = COMMA;
    pos = putDecimal(buf, pos, close, f.places, f.scale, f.fixedPrice);
    buf[pos++] = COMMA;
    pos = putDecimal(buf, pos, high, f.places, f.scale, f.fixedPrice);
    buf[pos++] = COMMA;
    pos = putDecimal(buf, pos, low, f.places, f.scale, f.fixedPrice);
    buf[pos++] = COMMA;
    for (let i = 0; i < 19; i++) buf[pos++] = starts[startAt + i] as number;
    buf[pos++] = COMMA;
    pos = putUint(buf, pos, tx);
    buf[pos++] = NEWLINE;
    w.pos = pos;
  };

  for (const b of engine.blocks(dataset.assetClass, s)) {
    if (minuteFile) {
      for (let i = 0; i < b.n; i++) {
        putRow(b, b.volume[i] as number, b.open[i] as number, b.close[i] as number, b.high[i] as number, b.low[i] as number, (b.minute[i] as number) * 19, b.transactions[i] as number);
      }
    } else {
      const a = aggregateBlock(b);
      putRow(b, a.volume, a.open, a.close, a.high, a.low, 0, a.transactions);
    }
    while (pending.length > 0) yield pending.shift() as Buffer;
  }
  w.flush();
  while (pending.length > 0) yield pending.shift() as Buffer;
}

/** Prints one Bar the way the fast path does, for markets that are not engine-backed. */
function barLine(bar: Bar, f: RowFormat): string {
  const num = (x: number): string => (f.fixedPrice > 0 ? x.toFixed(f.fixedPrice) : String(x));
  const vol = f.decimalVolume ? bar.volume.toFixed(6) : String(bar.volume);
  return `${bar.ticker},${vol},${num(bar.open)},${num(bar.close)},${num(bar.high)},${num(bar.low)},${bar.windowStartNs},${bar.transactions}\n`;
}

/** CSV chunks from the public Bar interface (any SimulatedMarket, e.g. a wrapper that injects faults). */
function* barChunks(market: SimulatedMarket, dataset: FlatFileDataset, date: string, chunkBytes: number): Generator<Buffer> {
  const f = rowFormat(dataset, date);
  const bars = dataset.frequency === 'minute' ? market.minuteBars(dataset.assetClass, date) : market.dayBars(dataset.assetClass, date);
  let lines: string[] = [FLAT_FILE_HEADER];
  let size = FLAT_FILE_HEADER.length;
  for (const bar of bars) {
    const line = barLine(bar, f);
    lines.push(line);
    size += line.length;
    if (size >= chunkBytes) {
      yield Buffer.from(lines.join(''), 'latin1');
      lines = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.from(lines.join(''), 'latin1');
}

/**
 * The CSV text of a dataset's file for a date, as a sequence of chunks (about 4 MiB each), or
 * null when the bucket has no such file. Markets made by createMarket take a fast path that
 * prints from column blocks; any other SimulatedMarket is printed from its Bar objects.
 */
export function flatFileCsvChunks(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string, chunkBytes = DEFAULT_CHUNK_BYTES): Iterable<Buffer> | null {
  if (flatFileAbsence(market, datasetId, date) !== null) return null;
  const dataset = flatFileDataset(datasetId);
  const engine = marketEngineOf(market);
  const session = engine?.session(date);
  if (engine && session) return engineChunks(engine, dataset, session, chunkBytes);
  return barChunks(market, dataset, date, chunkBytes);
}
