/**
 * The two text files of a Qlib directory as dump_bin.py writes them (np.savetxt with fmt="%s"):
 * one line per entry, `\n` line ends, a trailing newline, nothing for an empty list.
 */
/** calendars/<freq>.txt from its labels. */
export function formatCalendarText(labels: readonly string[]): string {
  let out = '';
  for (const l of labels) out += `${l}\n`;
  return out;
}

/** One instruments-file line: an instrument listed from `start` to `end` (calendar labels). */
export interface InstrumentLine {
  instrument: string;
  start: string;
  end: string;
}

/** instruments/<market>.txt from its lines (SYMBOL<TAB>start<TAB>end), in the order given. */
export function formatInstrumentsText(lines: readonly InstrumentLine[]): string {
  let out = '';
  for (const l of lines) out += `${l.instrument}\t${l.start}\t${l.end}\n`;
  return out;
}

/** Compares strings by Unicode code point, as Python sorts str (JavaScript's < compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral characters) sort above every BMP character in code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
