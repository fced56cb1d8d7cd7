import { isIsoDate } from '../../../calendar/index.ts';
import { isFlatFileDatasetId } from '../../../datasets/index.ts';
import type { CorrectionFaultKind, CountFaultKind, Fault, FileFaultKind } from './fault-types.ts';

// Fault syntax: a comma-separated list of items, each `NAME`, `NAME:COUNT` or `NAME@DATE[/DATASET]`.
//   unpublished                 publication gating (a file appears at 11:00 ET of the next trading day,
//                               by the injected clock) is always on; the bare word is accepted
//   unpublished@DATE[/DATASET]  that date's file is missing (404, not listed): a late upload
//   truncated@DATE[/DATASET]    the gzip body is cut short (200, Content-Length of the cut bytes)
//   replaced@DATE[/DATASET]     version 2 of the file: one row altered, new ETag, later Last-Modified
//   baddata@DATE[/DATASET]      rows with high < low, a negative volume, a window_start outside the
//                               day (-68400000000000, as the real 2025-02-10 options file) and a
//                               duplicated (ticker, window_start) row; the rest stays valid
//   slowdown:N                  next N S3 requests answer 503 SlowDown
//   s3-503:N                    next N S3 requests answer 503 ServiceUnavailable
//   s3-500:N                    next N S3 requests answer 500 InternalError
//   s3-reset:N                  next N S3 object bodies stop half-way (connection reset)
//   rest-5xx:N                  next N REST requests answer 502, 503, 500 in turn
//   rest-429:N                  next N REST requests answer 429 with Retry-After
//   dividend-corrected@DATE[/TICKER]  from now on (simulator clock), the dividend with ex-date DATE (of
//                               TICKER, else the first by ticker) is served one cent higher
// DATASET is stocks_daily, stocks_minute, options_daily or options_minute (default: all four);
// COUNT defaults to 1.

/** One-paragraph description of the fault syntax, for command help. */
export const FAULT_SYNTAX_HELP = [
  'comma-separated; NAME@DATE[/DATASET] for a file, NAME:N for the next N requests:',
  '  unpublished@D   file missing (late upload); publication at 11:00 ET next trading day is always on',
  '  truncated@D     gzip body cut short        replaced@D   version 2: new bytes, ETag, Last-Modified',
  '  baddata@D       high<low, negative volume, window_start outside the day, duplicate row',
  '  slowdown:N  s3-503:N  s3-500:N  s3-reset:N  (S3)      rest-5xx:N  rest-429:N  (REST)',
  '  dividend-corrected@D[/TICKER]  from now on, that ex-date\'s dividend is served one cent higher (REST)',
  '  DATASET = stocks_daily|stocks_minute|options_daily|options_minute (default all four)',
].join('\n');

const FILE_KINDS: readonly FileFaultKind[] = ['unpublished', 'truncated', 'replaced', 'baddata'];
const CORRECTION_KINDS: readonly CorrectionFaultKind[] = ['dividend-corrected'];
const COUNT_KINDS: readonly CountFaultKind[] = ['slowdown', 's3-503', 's3-500', 's3-reset', 'rest-5xx', 'rest-429'];

/** Thrown for a fault list that does not parse; the message names the offending item. */
export class FaultSyntaxError extends Error {
  override name = 'FaultSyntaxError';
}

/** Parses one item of a fault list. */
function parseItem(item: string): Fault {
  const at = item.indexOf('@');
  if (at >= 0 && CORRECTION_KINDS.includes(item.slice(0, at) as CorrectionFaultKind)) {
    const [date = '', ticker, extra] = item.slice(at + 1).split('/');
    if (!isIsoDate(date)) throw new FaultSyntaxError(`fault "${item}": "${date}" is not a date as YYYY-MM-DD`);
    if (extra !== undefined || ticker === '') throw new FaultSyntaxError(`fault "${item}": expected NAME@DATE[/TICKER]`);
    return { kind: item.slice(0, at) as CorrectionFaultKind, date, ...(ticker !== undefined ? { ticker } : {}) };
  }
  if (at >= 0) {
    const kind = item.slice(0, at) as FileFaultKind;
    if (!FILE_KINDS.includes(kind)) {
      throw new FaultSyntaxError(`fault "${item}": only ${[...FILE_KINDS, ...CORRECTION_KINDS].join(', ')} take @DATE`);
    }
    const [date = '', dataset, extra] = item.slice(at + 1).split('/');
    if (!isIsoDate(date)) throw new FaultSyntaxError(`fault "${item}": "${date}" is not a date as YYYY-MM-DD`);
    if (extra !== undefined) throw new FaultSyntaxError(`fault "${item}": expected NAME@DATE[/DATASET]`);
    if (dataset === undefined) return { kind, date };
    if (!isFlatFileDatasetId(dataset)) throw new FaultSyntaxError(`fault "${item}": unknown dataset "${dataset}"`);
    return { kind, date, dataset };
  }
  const colon = item.indexOf(':');
  const name = colon >= 0 ? item.slice(0, colon) : item;
  if (name === 'unpublished' && colon < 0) return { kind: 'unpublished' };
  if (!COUNT_KINDS.includes(name as CountFaultKind)) {
    throw new FaultSyntaxError(
      `unknown fault "${item}" (known: ${[
        ...FILE_KINDS.map((k) => `${k}@DATE`), ...CORRECTION_KINDS.map((k) => `${k}@DATE`), ...COUNT_KINDS.map((k) => `${k}:N`),
      ].join(', ')})`,
    );
  }
  const count = colon >= 0 ? Number(item.slice(colon + 1)) : 1;
  if (!Number.isInteger(count) || count < 0) throw new FaultSyntaxError(`fault "${item}": count must be a whole number`);
  return { kind: name as CountFaultKind, count };
}

/** Parses a fault list such as `truncated@2024-03-05,slowdown:3` (empty string = no faults). */
export function parseFaults(text: string): Fault[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseItem);
}

/** Formats faults back into the list syntax (the inverse of parseFaults). */
export function formatFaults(faults: readonly Fault[]): string {
  return faults
    .map((f) => {
      if ('date' in f && 'ticker' in f) return `${f.kind}@${f.date}${f.ticker ? `/${f.ticker}` : ''}`;
      if ('date' in f) return `${f.kind}@${f.date}${'dataset' in f && f.dataset ? `/${f.dataset}` : ''}`;
      if ('count' in f) return `${f.kind}:${f.count}`;
      return f.kind;
    })
    .join(',');
}
