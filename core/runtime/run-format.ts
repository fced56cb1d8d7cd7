import type { JobSummary } from './job-types.ts';
import type { MeteredProgress } from './progress-meter.ts';

/** "1.2 MB", "830 kB", "12 B" (decimal units, as download sizes are usually quoted). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${n < 0 ? '-' : ''}${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "0.4s", "12s", "3m05s", "1h02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "12 MB/s" or "340k rows/s". */
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
