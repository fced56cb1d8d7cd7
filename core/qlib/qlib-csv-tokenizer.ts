/**
 * Splits CSV bytes into rows of cells the way pandas' C tokenizer does with read_csv's defaults:
 * comma delimiter, `"` quoting with `""` as an escaped quote, `\n`, `\r\n` or `\r` line ends,
 * blank and whitespace-only lines skipped, a UTF-8 byte-order mark ignored. Cells are byte ranges,
 * so numbers are parsed without building strings.
 */

/** A CSV problem located in a file (1-based line; column name when known). */
export class QlibCsvError extends Error {
  override name = 'QlibCsvError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: string | null,
    readonly problem: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}${column === null ? '' : ` column "${column}"`}: ${problem}`);
  }
}

/**
 * Receives one row: cells are bytes [starts[i], ends[i]) of `src`, `count` of them; `line` is the
 * physical line the row starts on.
 */
export type RowSink = (src: Uint8Array, starts: Int32Array, ends: Int32Array, count: number, line: number) => void;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

interface Cells {
  starts: Int32Array;
  ends: Int32Array;
}

function grow(c: Cells): void {
  const s = new Int32Array(c.starts.length * 2);
  const e = new Int32Array(c.ends.length * 2);
  s.set(c.starts);
  e.set(c.ends);
  c.starts = s;
  c.ends = e;
}

/** Whether every `\r` is part of a `\r\n` (then the fast path can split on `\n` alone). */
function crOnlyBeforeLf(buf: Buffer): boolean {
  for (let i = buf.indexOf(CR); i >= 0; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) return false;
  return true;
}

/** Bytes of a leading UTF-8 byte-order mark (pandas ignores it). */
export function bomLength(buf: Uint8Array): number {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** Whether a file has no quotes and no lone `\r`: its rows are then its non-blank lines, split at commas. */
export function isSimpleCsv(buf: Buffer): boolean {
  return buf.indexOf(QUOTE, bomLength(buf)) < 0 && crOnlyBeforeLf(buf);
}

/**
 * Calls `line(ls, le, n)` for every non-blank line of a simple file: bytes [ls, le) without its line
 * end, n its 1-based line number. Buffer.indexOf finds the line ends (native, several times faster
 * than a byte loop here).
 */
export function forEachSimpleLine(buf: Buffer, line: (ls: number, le: number, n: number) => void): void {
  const len = buf.length;
  let pos = bomLength(buf);
  let n = 0;
  while (pos < len) {
    n++;
    let eol = buf.indexOf(LF, pos);
    if (eol < 0) eol = len;
    let le = eol;
    if (le > pos && buf[le - 1] === CR) le--;
    let blank = true;
    for (let i = pos; i < le; i++) {
      const c = buf[i]!;
      if (c !== 32 && c !== 9) {
        blank = false;
        break;
      }
    }
    if (!blank) line(pos, le, n);
    pos = eol + 1;
  }
}

/**
 * Calls `sink` for every row (the header first). With `maxCells`, rows are split only up to that many
 * cells and the rest of the line is skipped (cell counts then stop at maxCells).
 */
export function tokenizeCsv(buf: Buffer, file: string, sink: RowSink, maxCells = Infinity): void {
  if (isSimpleCsv(buf)) tokenizeSimple(buf, sink, maxCells);
  else tokenizeQuoted(buf, bomLength(buf), file, sink, maxCells);
}

function tokenizeSimple(buf: Buffer, sink: RowSink, maxCells: number): void {
  const cells: Cells = { starts: new Int32Array(16), ends: new Int32Array(16) };
  forEachSimpleLine(buf, (ls, le, n) => {
    let count = 0;
    let cs = ls;
    for (let i = ls; ; i++) {
      if (i === le || buf[i] === COMMA) {
        if (count === cells.starts.length) grow(cells);
        cells.starts[count] = cs;
        cells.ends[count] = i;
        count++;
        cs = i + 1;
        if (i === le || count >= maxCells) break;
      }
    }
    sink(buf, cells.starts, cells.ends, count, n);
  });
}

function tokenizeQuoted(buf: Buffer, start: number, file: string, sink: RowSink, maxCells: number): void {
  const cells: Cells = { starts: new Int32Array(16), ends: new Int32Array(16) };
  let scratch = new Uint8Array(Math.max(64, Math.min(buf.length, 1 << 16)));
  const len = buf.length;
  let pos = start;
  let line = 1;
  const put = (at: number, c: number): number => {
    if (at === scratch.length) {
      const next = new Uint8Array(scratch.length * 2);
      next.set(scratch);
      scratch = next;
    }
    scratch[at] = c;
    return at + 1;
  };
  while (pos < len) {
    // Skip blank and whitespace-only lines before a record.
    let probe = pos;
    while (probe < len && (buf[probe] === 32 || buf[probe] === 9)) probe++;
    if (probe === len) break;
    if (buf[probe] === LF || buf[probe] === CR) {
      pos = buf[probe] === CR && buf[probe + 1] === LF ? probe + 2 : probe + 1;
      line++;
      continue;
    }
    const rowLine = line;
    let count = 0;
    let w = 0;
    let cellStart = 0;
    let i = pos;
    let done = false;
    const endCell = () => {
      if (count === cells.starts.length) grow(cells);
      cells.starts[count] = cellStart;
      cells.ends[count] = w;
      count++;
      cellStart = w;
    };
    while (!done) {
      // One cell.
      if (i < len && buf[i] === QUOTE) {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= len) throw new QlibCsvError(file, quoteLine, null, 'end of file inside a quoted field');
          const c = buf[i]!;
          if (c === QUOTE) {
            if (buf[i + 1] === QUOTE) {
              w = put(w, QUOTE);
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === LF || (c === CR && buf[i + 1] !== LF)) line++;
          w = put(w, c);
          i++;
        }
      }
      // Unquoted part (or what follows a closing quote, kept literally as pandas does).
      while (i < len && buf[i] !== COMMA && buf[i] !== LF && buf[i] !== CR) w = put(w, buf[i++]!);
      endCell();
      if (i < len && buf[i] === COMMA) {
        i++;
        if (count >= maxCells) {
          // Skip to the end of the line, still honouring quotes so a quoted newline does not end it.
          let quoted = false;
          while (i < len && (quoted || (buf[i] !== LF && buf[i] !== CR))) {
            if (buf[i] === QUOTE) quoted = !quoted;
            else if (buf[i] === LF && quoted) line++;
            i++;
          }
          done = true;
        }
        continue;
      }
      done = true;
    }
    if (i < len && buf[i] === CR) i += buf[i + 1] === LF ? 2 : 1;
    else if (i < len) i++;
    line++;
    pos = i;
    sink(scratch, cells.starts, cells.ends, count, rowLine);
  }
}
