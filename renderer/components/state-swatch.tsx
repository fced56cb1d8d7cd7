/**
 * A small square drawn exactly like a heatmap cell of a coverage state (colour and pattern, in the
 * current theme), for the legend and tooltips. SVG, so the pattern is the canvas's own tile.
 */
import { useId } from 'react';
import { PALETTES, PATTERN_TILES } from '../lib/coverage-colors.ts';
import type { PaletteState } from '../lib/coverage-colors.ts';
import { useTheme } from '../lib/theme.ts';

/** The swatch for one state. */
export function StateSwatch({ state, size = 14 }: { state: PaletteState; size?: number }) {
  const theme = useTheme();
  const id = useId();
  const style = PALETTES[theme][state];
  const tile = style.pattern === 'solid' ? null : PATTERN_TILES[style.pattern];
  return (
    <svg
      className="swatch"
      width={size}
      height={size}
      viewBox={`0 0 ${size} ${size}`}
      aria-hidden="true"
      data-state={state}
      data-pattern={style.pattern}
    >
      {tile && (
        <defs>
          <pattern id={id} width={tile.w} height={tile.h} patternUnits="userSpaceOnUse">
            <rect width={tile.w} height={tile.h} fill={style.base} />
            {tile.shapes.map((poly, i) => (
              <polygon key={i} points={poly.join(' ')} fill={style.ink ?? style.base} />
            ))}
          </pattern>
        </defs>
      )}
      <rect
        x={0.5}
        y={0.5}
        width={size - 1}
        height={size - 1}
        rx={2}
        fill={tile ? `url(#${CSS.escape(id)})` : style.base}
        style={{ stroke: 'var(--border-strong)' }}
        strokeWidth={1}
      />
    </svg>
  );
}
