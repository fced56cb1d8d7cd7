/**
 * The text of Qlib's Alpha158 CSV layout: `instrument,datetime,<names>` with floats as %.9g, NaN as
 * an empty field and infinities as `inf`/`-inf` (what pandas' to_csv writes with float_format="%.9g").
 */
import { formatG9 } from './format-g9.ts';

/** The header line (with newline). */
export function csvHeader(names: readonly string[]): string {
  return `instrument,datetime,${names.join(',')}\n`;
}

/** One instrument's lines: `rows` are calendar indices, `values` column-major (column k at k * rows.length). */
export function formatCsvRows(instrument: string, rows: ArrayLike<number>, calendar: readonly string[], values: Float32Array, width: number): string {
  const inst = csvField(instrument);
  const lines: string[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    let line = `${inst},${calendar[rows[r]!]}`;
    for (let k = 0, at = r; k < width; k++, at += rows.length) {
      const v = values[at]!;
      line += v !== v ? ',' : `,${formatG9(v)}`;
    }
    lines[r] = line;
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Quotes a field that holds a comma, quote or newline (RFC 4180, as pandas does). */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
