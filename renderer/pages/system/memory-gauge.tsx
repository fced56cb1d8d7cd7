/** The machine's memory pressure as an arc gauge with normal / warning / critical bands. */
import type { MemorySampleView, PressureLevel } from '../../../core/contract/contract-views.ts';
import { arcPath, gaugeBands, percentToAngle, polar } from '../../lib/gauge-geometry.ts';
import { formatBytes, formatPercent, humanize } from '../../lib/format.ts';

// CSS variables (light and dark themes); SVG takes them through style, not presentation attributes.
const LEVEL_COLORS: Record<PressureLevel, string> = {
  normal: 'var(--gauge-normal)',
  warning: 'var(--gauge-warning)',
  critical: 'var(--gauge-critical)',
};
const BAND_COLORS: Record<PressureLevel, string> = {
  normal: 'var(--gauge-band-normal)',
  warning: 'var(--gauge-band-warning)',
  critical: 'var(--gauge-band-critical)',
};

/** An SVG meter (role="meter") for one memory sample. */
export function MemoryGauge({ sample }: { sample: MemorySampleView }) {
  const cx = 120;
  const cy = 118;
  const r = 92;
  const value = percentToAngle(sample.usedPercent);
  const needle = polar(cx, cy, r, value);
  const color = LEVEL_COLORS[sample.level];
  return (
    <div className="gauge" data-testid="memory-gauge" data-level={sample.level}>
      <svg
        viewBox="0 0 240 200"
        width="240"
        height="200"
        role="meter"
        aria-label="Machine memory pressure"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(sample.usedPercent)}
        aria-valuetext={`${formatPercent(sample.usedPercent)} used, ${sample.level}`}
      >
        {gaugeBands(sample.warningPercent, sample.criticalPercent).map((b) => (
          <path key={b.level} d={arcPath(cx, cy, r, b.from, b.to)} style={{ stroke: BAND_COLORS[b.level] }} strokeWidth={18} fill="none" />
        ))}
        <path
          d={arcPath(cx, cy, r, percentToAngle(0), value)}
          style={{ stroke: color }}
          strokeWidth={10}
          strokeLinecap="round"
          fill="none"
        />
        <circle cx={needle.x} cy={needle.y} r={7} style={{ fill: 'var(--surface)', stroke: color }} strokeWidth={3} />
        <text x={cx} y={cy - 4} textAnchor="middle" fontSize="34" fontWeight="700" style={{ fill: 'var(--text)' }}>
          {formatPercent(sample.usedPercent)}
        </text>
        <text x={cx} y={cy + 20} textAnchor="middle" fontSize="13" style={{ fill: 'var(--text-3)' }}>
          memory in use
        </text>
        <text x={cx} y={186} textAnchor="middle" fontSize="13" fontWeight="600" style={{ fill: 'var(--text-2)' }}>
          {humanize(sample.level)} pressure
        </text>
      </svg>
      <dl className="kv">
        <dt>In use</dt>
        <dd>{formatBytes(sample.totalBytes - sample.availableBytes)}</dd>
        <dt>Available</dt>
        <dd data-testid="memory-available">{formatBytes(sample.availableBytes)}</dd>
        <dt>Total</dt>
        <dd>{formatBytes(sample.totalBytes)}</dd>
        <dt>Warning at</dt>
        <dd>{formatPercent(sample.warningPercent)}</dd>
        <dt>Critical at</dt>
        <dd>{formatPercent(sample.criticalPercent)}</dd>
      </dl>
    </div>
  );
}
