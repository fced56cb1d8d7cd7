import { formatBytes, formatDuration } from '../format/units.ts';
import type { JobSummary } from '../runtime/job-types.ts';
import type { MeteredProgress } from '../runtime/progress-meter.ts';

export { formatBytes, formatDuration } from '../format/units.ts';

/** "12 MiB/s" or "340k rows/s". */
export function formatRate(p: MeteredProgress): string {
  if (p.bytesPerSecond) return `${formatBytes(p.bytesPerSecond)}/s`;
  if (p.rowsPerSecond) return `${p.rowsPerSecond >= 10_000 ? `${Math.round(p.rowsPerSecond / 1000)}k` : p.rowsPerSecond} rows/s`;
  return '';
}

/** A finished job in one line: "download stocks_daily 2026-11-20  complete  1.2 MB in 0.8s (2 attempts)". */
export function describeJobOutcome(j: JobSummary): string {
  const size = j.kind === 'download' ? (j.bytes ? formatBytes(j.bytes) : '') : j.rows !== undefined ? `${j.rows.toLocaleString('en-US')} rows` : '';
  const extra = [
    size && j.durationMs ? `${size} in ${formatDuration(j.durationMs)}` : size || (j.durationMs ? formatDuration(j.durationMs) : ''),
    j.attempts > 1 ? `${j.attempts} attempts` : '',
    j.crashes.length ? `${j.crashes.length} crash${j.crashes.length > 1 ? 'es' : ''} (${j.crashes.map((c) => c.reason).join(', ')})` : '',
    j.rejects ? `${j.rejects} rejected rows` : '',
  ].filter(Boolean);
  return `${j.kind.padEnd(8)} ${j.dataset.padEnd(14)} ${j.date}  ${j.state}${extra.length ? `  ${extra.join(', ')}` : ''}${j.error && j.state !== 'complete' && j.error !== j.state ? `\n    ${j.error}` : ''}`;
}
