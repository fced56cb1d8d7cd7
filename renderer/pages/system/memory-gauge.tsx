/** The machine's memory pressure as an arc gauge with normal / warning / critical bands. */
import type { MemorySampleView, PressureLevel } from '../../../core/contract/contract-views.ts';
import { arcPath, gaugeBands, percentToAngle, polar } from '../../lib/gauge-geometry.ts';
import { formatBytes, formatPercent, humanize } from '../../lib/format.ts';

const LEVEL_COLORS: Record<PressureLevel, string> = { normal: '#2f9e44', warning: '#f08c00', critical: '#d6336c' };
const BAND_COLORS: Record<PressureLevel, string> = { normal: '#d3f0da', warning: '#ffe3bd', critical: '#fcd2dc' };

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
          <path key={b.level} d={arcPath(cx, cy, r, b.from, b.to)} stroke={BAND_COLORS[b.level]} strokeWidth={18} fill="none" />
        ))}
        <path d={arcPath(cx, cy, r, percentToAngle(0), value)} stroke={color} strokeWidth={10} strokeLinecap="round" fill="none" />
        <circle cx={needle.x} cy={needle.y} r={7} fill="#fff" stroke={color} strokeWidth={3} />
        <text x={cx} y={cy - 4} textAnchor="middle" fontSize="34" fontWeight="700" fill="#1a1e24">
          {formatPercent(sample.usedPercent)}
        </text>
        <text x={cx} y={cy + 20} textAnchor="middle" fontSize="13" fill="#5f6874">
          memory in use
        </text>
        <text x={cx} y={186} textAnchor="middle" fontSize="13" fontWeight="600" fill={color}>
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
