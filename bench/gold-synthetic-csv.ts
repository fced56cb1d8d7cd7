/**
 * Synthetic per-symbol CSVs shaped like the Qlib timing baseline (shared/reference section 6):
 * N symbols over a business-day calendar, late starts, early ends and missing days, seven fields
 * (open, high, low, close, volume, vwap, factor) printed with six decimals like Qlib's Yahoo CSVs.
 * Deterministic, written once per shape under the OS temp folder and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The fields of every synthetic CSV, in column order (each a bin of the dump). */
export const SYNTHETIC_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'vwap', 'factor'] as const;
import { addDays } from '../core/calendar/index.ts';

/** A mulberry32 generator: small, fast and deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weekdays from `from`, `count` of them (the calendar the CSVs' dates come from). */
export function businessDays(from: string, count: number): string[] {
  const out: string[] = [];
  for (let d = from; out.length < count; d = addDays(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}

/** Shape of a synthetic set. */
export interface SyntheticShape {
  symbols: number;
  days: number;
  seed: number;
}

/** One symbol's rows: which calendar days it has, and its CSV text for those days. */
function symbolCsv(i: number, days: readonly string[], rand: () => number): string {
  const n = days.length;
  // About 70% trade the whole range; the rest start late and/or end early.
  const start = rand() < 0.7 ? 0 : Math.floor(rand() * n * 0.6);
  const end = rand() < 0.8 ? n - 1 : Math.max(start, n - 1 - Math.floor(rand() * n * 0.5));
  let price = 5 + rand() * 200;
  const factor = rand() < 0.3 ? 0.5 : 1;
  let out = `date,${SYNTHETIC_FIELDS.join(',')}\n`;
  for (let k = start; k <= end; k++) {
    // Missing days: about 1 in 200 (suspensions), never the first or last.
    if (k !== start && k !== end && rand() < 0.005) continue;
    const open = price * (1 + (rand() - 0.5) * 0.01);
    const close = open * (1 + (rand() - 0.5) * 0.04);
    const high = Math.max(open, close) * (1 + rand() * 0.01);
    const low = Math.min(open, close) * (1 - rand() * 0.01);
    const vwap = (open + close + high + low) / 4;
    const volume = Math.floor(100_000 + rand() * 1_000_000 + (i % 7) * 10_000);
    const row = [open, high, low, close, volume, vwap, factor].map((v) => v.toFixed(6)).join(',');
    out += `${days[k]},${row}\n`;
    price = close;
  }
  return out;
}

/** The folder of a shape's CSVs, generated on first use. */
export function syntheticCsvDir(shape: SyntheticShape): { dir: string; days: string[] } {
  const days = businessDays('2019-01-01', shape.days);
  const dir = path.join(os.tmpdir(), 'quantmini-bench-cache', `gold-csv-${shape.symbols}x${shape.days}-${shape.seed}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return { dir, days };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rand = rng(shape.seed);
  for (let i = 0; i < shape.symbols; i++) {
    fs.writeFileSync(path.join(dir, `S${String(i).padStart(4, '0')}.csv`), symbolCsv(i, days, rand));
  }
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return { dir, days };
}

/**
 * The same CSVs cut before their last `count` calendar days: `head` (everything before) and one
 * folder per day holding that day's rows, for timing one-day updates. Written once beside the set.
 */
export function splitLastDays(dir: string, days: readonly string[], count: number): { head: string; days: string[] } {
  const last = days.slice(-count);
  const out = { head: `${dir}-head${count}`, days: last.map((d) => `${dir}-${d}`) };
  if (fs.existsSync(path.join(out.head, '.complete'))) return out;
  for (const p of [out.head, ...out.days]) {
    fs.rmSync(p, { recursive: true, force: true });
    fs.mkdirSync(p, { recursive: true });
  }
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.csv'))) {
    const [header, ...rows] = fs.readFileSync(path.join(dir, name), 'utf8').trimEnd().split('\n');
    const parts = [rows.filter((r) => r.slice(0, 10) < last[0]!), ...last.map((d) => rows.filter((r) => r.startsWith(d)))];
    parts.forEach((kept, k) => {
      if (kept.length) fs.writeFileSync(path.join(k === 0 ? out.head : out.days[k - 1]!, name), `${[header, ...kept].join('\n')}\n`);
    });
  }
  for (const p of out.days) fs.writeFileSync(path.join(p, '.complete'), '');
  fs.writeFileSync(path.join(out.head, '.complete'), '');
  return out;
}
