import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RenderedFlatFile } from '../simulator-types.ts';
import type { FileFaultEffects } from './fault-state.ts';

// Faulty variants are derived from the good rendering, so everything outside the altered rows is
// byte-for-byte what the market teammate renders and a test can pinpoint exactly what changed.

/** window_start of every row of the real us_options_opra/day_aggs_v1 2025-02-10 file (polygon-io/issues#334). */
export const OUT_OF_DAY_WINDOW_START = '-68400000000000';

const VOLUME = 1;
const HIGH = 4;
const LOW = 5;
const WINDOW_START = 6;

/** Quoted MD5 hex, as S3 reports the ETag of a single-part object. */
export function s3Etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** Formats `value` with as many decimals as `like` has, so altered rows look like their neighbours. */
function formatLike(like: string, value: number): string {
  return value.toFixed(decimalsOf(like));
}

/** Digits after the decimal point of a formatted number. */
function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Byte offsets where each line starts (the header is line 0); a trailing newline adds no line. */
function lineStarts(csv: Buffer): number[] {
  const starts = [0];
  for (let i = csv.indexOf(10); i >= 0 && i < csv.length - 1; i = csv.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

/** Rewrites chosen data rows (1-based line numbers) through `edit`, which returns replacement lines. */
function editRows(csv: Buffer, edits: Map<number, (fields: string[]) => string[]>): Buffer {
  const starts = lineStarts(csv);
  const parts: Buffer[] = [];
  let copied = 0;
  for (const line of [...edits.keys()].sort((a, b) => a - b)) {
    const start = starts[line];
    if (start === undefined) continue;
    const next = starts[line + 1];
    const end = next === undefined ? (csv[csv.length - 1] === 10 ? csv.length - 1 : csv.length) : next - 1;
    const edit = edits.get(line);
    if (!edit) continue;
    parts.push(csv.subarray(copied, start));
    const out = edit(csv.subarray(start, end).toString('latin1').split(','));
    parts.push(Buffer.from(out.join('\n'), 'latin1'));
    copied = end;
  }
  parts.push(csv.subarray(copied));
  return Buffer.concat(parts);
}

/** The data-row line number at fraction `k/parts` of a file with `rows` data rows. */
function rowAt(rows: number, k: number, parts: number): number {
  return 1 + Math.min(rows - 1, Math.floor((rows * k) / parts));
}

type Defect = 'high-below-low' | 'negative-volume' | 'outside-day' | 'duplicate';

/** Mutates one row's fields to carry a defect. */
function applyDefect(f: string[], defect: Exclude<Defect, 'duplicate'>): void {
  if (defect === 'high-below-low') {
    const high = f[HIGH] ?? '0';
    const low = f[LOW] ?? '0';
    if (Number(high) > Number(low)) [f[HIGH], f[LOW]] = [low, high];
    else if (Number(high) === Number(low)) f[LOW] = (Number(high) + 0.01).toFixed(Math.max(2, decimalsOf(high)));
  } else if (defect === 'negative-volume') {
    const v = f[VOLUME] ?? '0';
    f[VOLUME] = Number(v) === 0 ? '-1' : `-${v}`;
  } else f[WINDOW_START] = OUT_OF_DAY_WINDOW_START;
}

/**
 * Injects the bad rows bronze validation must catch: two with high < low, one negative volume,
 * one window_start outside the trading day, and one duplicated (ticker, window_start) row.
 */
export function withBadData(csv: Buffer): Buffer {
  const rows = lineStarts(csv).length - 1;
  if (rows < 1) return csv;
  const plan: Defect[] = ['high-below-low', 'negative-volume', 'outside-day', 'duplicate', 'high-below-low'];
  // Tiny files put several defects on one row; every defect is still present.
  const byLine = new Map<number, Defect[]>();
  plan.forEach((defect, i) => {
    const line = rowAt(rows, i + 1, plan.length + 1);
    byLine.set(line, [...(byLine.get(line) ?? []), defect]);
  });
  const edits = new Map<number, (f: string[]) => string[]>();
  for (const [line, defects] of byLine) {
    edits.set(line, (f) => {
      const original = f.join(',');
      for (const d of defects) if (d !== 'duplicate') applyDefect(f, d);
      // The duplicate stays a clean copy, so it differs from its twin only by being there twice.
      return defects.includes('duplicate') ? [original, original, ...(f.join(',') === original ? [] : [f.join(',')])] : [f.join(',')];
    });
  }
  return editRows(csv, edits);
}

/** Version 2 of a file: the middle row's volume corrected upward by 100, everything else unchanged. */
export function withReplacement(csv: Buffer): Buffer {
  const rows = lineStarts(csv).length - 1;
  if (rows < 1) return csv;
  return editRows(
    csv,
    new Map([
      [
        rowAt(rows, 1, 2),
        (f: string[]) => {
          const v = f[VOLUME] ?? '0';
          f[VOLUME] = formatLike(v, Math.abs(Number(v)) + 100);
          return [f.join(',')];
        },
      ],
    ]),
  );
}

/** Cuts a gzip body short: the deflate stream and the CRC trailer are incomplete. */
export function truncateGzip(gz: Buffer): Buffer {
  if (gz.length <= 12) return gz.subarray(0, Math.max(1, gz.length - 1));
  return gz.subarray(0, Math.min(gz.length - 9, Math.max(10, Math.floor(gz.length * 0.6))));
}

/** Applies the faults in force to a rendered file; returns the file unchanged when none apply. */
export function applyFileFaults(file: RenderedFlatFile, effects: FileFaultEffects): RenderedFlatFile {
  if (!effects.baddata && !effects.replacedAt && !effects.truncated) return file;
  let body = file.body;
  if (effects.baddata || effects.replacedAt) {
    let csv: Buffer = gunzipSync(body);
    if (effects.baddata) csv = withBadData(csv);
    if (effects.replacedAt) csv = withReplacement(csv);
    body = gzipSync(csv);
  }
  if (effects.truncated) body = truncateGzip(body);
  // HTTP dates have whole seconds, so version 2 must be at least a second later to be visible.
  const lastModified = effects.replacedAt
    ? new Date(Math.max(effects.replacedAt.getTime(), file.lastModified.getTime() + 60_000))
    : file.lastModified;
  return { ...file, body, etag: s3Etag(body), lastModified };
}
