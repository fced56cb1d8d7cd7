/**
 * Coverage by date of one version: a strip of every NYSE trading day in its range, built days
 * filled, days it lacks hatched, drawn in plain SVG (one rect per day, or per group of days when
 * there are more days than pixels, so 20 years of days take the same time as a month). The
 * summary line says the same in words for screen readers.
 */
import { memo, useMemo } from 'react';
import type { FeatureSetCoverageView } from '../../../core/contract/contract-views.ts';
import { formatCount, formatTradingDate, plural } from '../../lib/format.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

const HEIGHT = 28;

interface Bucket {
  x: number;
  w: number;
  from: string;
  to: string;
  missing: number;
  days: number;
}

/** Groups days so each bucket is at least one pixel wide. */
function buckets(days: FeatureSetCoverageView['days'], width: number): Bucket[] {
  if (days.length === 0 || width <= 0) return [];
  const perBucket = Math.max(1, Math.ceil(days.length / width));
  const n = Math.ceil(days.length / perBucket);
  const w = width / n;
  const out: Bucket[] = [];
  for (let i = 0; i < n; i++) {
    const slice = days.slice(i * perBucket, (i + 1) * perBucket);
    const missing = slice.filter((d) => !d.built).length;
    out.push({ x: i * w, w, from: slice[0]!.date, to: slice.at(-1)!.date, missing, days: slice.length });
  }
  return out;
}

const rangeText = (b: Bucket) =>
  b.from === b.to ? formatTradingDate(b.from) : `${formatTradingDate(b.from)} – ${formatTradingDate(b.to)}`;

/** The strip and its summary. */
export const CoverageStrip = memo(function CoverageStrip({ coverage }: { coverage: FeatureSetCoverageView }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const cells = useMemo(() => buckets(coverage.days, width), [coverage.days, width]);
  const built = coverage.days.filter((d) => d.built).length;
  const missing = coverage.days.filter((d) => !d.built);
  const rows = coverage.days.reduce((s, d) => s + (d.rows ?? 0), 0);
  return (
    <div className="stack" data-testid="feature-coverage">
      <p data-testid="feature-coverage-summary">
        {formatCount(built)} of {plural(coverage.days.length, 'trading day')} built
        {coverage.from && coverage.to ? ` (${formatTradingDate(coverage.from)} – ${formatTradingDate(coverage.to)})` : ''}
        {rows ? `, ${formatCount(rows)} rows` : ''}
        {missing.length
          ? `; missing ${missing.slice(0, 5).map((d) => formatTradingDate(d.date)).join(', ')}` +
            `${missing.length > 5 ? ` and ${formatCount(missing.length - 5)} more` : ''}.`
          : '.'}
      </p>
      <div ref={ref} aria-hidden="true">
        {width > 0 && (
          <svg className="coverage-strip" width={width} height={HEIGHT}>
            <defs>
              <pattern id="strip-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="4" height="4" className="strip-missing-base" />
                <line x1="0" y1="0" x2="0" y2="4" className="strip-missing-ink" strokeWidth="2" />
              </pattern>
            </defs>
            {cells.map((b) => (
              <rect
                key={b.from}
                x={b.x}
                y={0}
                width={Math.max(1, b.w - (b.w > 3 ? 1 : 0))}
                height={HEIGHT}
                className={b.missing ? 'strip-missing' : 'strip-built'}
                fill={b.missing ? 'url(#strip-hatch)' : undefined}
                data-testid={b.days === 1 ? `coverage-day-${b.from}` : undefined}
                data-built={b.missing ? 'false' : 'true'}
              >
                <title>{`${rangeText(b)}: ${b.missing ? `${b.missing} missing` : 'built'}`}</title>
              </rect>
            ))}
          </svg>
        )}
      </div>
    </div>
  );
});
