/**
 * How each coverage state is drawn, shared by the canvas, the legend, tooltips and DOM cells so
 * they can never disagree, in a light and a dark variant.
 *
 * Colour alone cannot carry ten states for everyone: under deuteranopia the old green "complete"
 * and red "missing" met at 1.04:1. So every state is a lightness level plus a pattern, and any two
 * states either differ by at least 3:1 in luminance contrast or by pattern, under normal vision
 * and under simulated protanopia, deuteranopia and tritanopia (test/unit/renderer/
 * coverage-palette.test.ts checks this, and that each pattern's ink stands 3:1 off its base):
 *
 *   level   solid          dots      hatch          stripes
 *   light   out_of_range   pending   missing
 *   mid     complete       stale     not_entitled   degraded
 *   dark    failed                                  running
 *
 * (dark mode swaps the light and dark levels: empty cells sit near the background there too).
 * Hue still helps those who see it: green complete, red missing and failed, amber degraded.
 * Selection and the keyboard cursor are outlines in two tones, never a change of fill.
 */
import type { CoverageState } from '../../core/vocabulary/coverage-states.ts';
import type { Theme } from './theme.ts';

/** States the palette draws: exactly the coverage vocabulary. */
export type PaletteState = CoverageState;

export type CellPattern = 'solid' | 'dots' | 'hatch' | 'stripes';

/** A cell's fill: the base colour, and the ink of its pattern (null for solid). */
export interface CellStyle {
  base: string;
  ink: string | null;
  pattern: CellPattern;
}

const solid = (base: string): CellStyle => ({ base, ink: null, pattern: 'solid' });
const patterned = (pattern: Exclude<CellPattern, 'solid'>, base: string, ink: string): CellStyle => ({ base, ink, pattern });

export const PALETTES: Readonly<Record<Theme, Readonly<Record<PaletteState, CellStyle>>>> = {
  light: {
    out_of_range: solid('#eef0f3'),
    non_trading: solid('#f6f7f9'),
    pending: patterned('dots', '#e5f0fa', '#2e72b6'),
    missing: patterned('hatch', '#feeded', '#7e1616'),
    complete: solid('#2f8c5d'),
    stale: patterned('dots', '#2f8c5d', '#e8f7f0'),
    not_entitled: patterned('hatch', '#8f69c6', '#f6f1fc'),
    degraded: patterned('stripes', '#b26b09', '#fff3da'),
    failed: solid('#390e0e'),
    running: patterned('stripes', '#0b1c3d', '#d2e3fa'),
  },
  dark: {
    out_of_range: solid('#1f2227'),
    non_trading: solid('#1a1d21'),
    pending: patterned('dots', '#132538', '#5299e1'),
    missing: patterned('hatch', '#361a1a', '#faa5a5'),
    complete: solid('#318059'),
    stale: patterned('dots', '#318059', '#0b2116'),
    not_entitled: patterned('hatch', '#875dc2', '#261143'),
    degraded: patterned('stripes', '#a16612', '#2a1a02'),
    failed: solid('#fccfcf'),
    running: patterned('stripes', '#c4dcfc', '#0e2451'),
  },
};

/**
 * The two-tone outline of selections, the hovered cell and the keyboard cursor: whatever the fill,
 * one of the two tones stands out from it.
 */
export const OUTLINES: Readonly<Record<Theme, { outer: string; inner: string; cursor: string }>> = {
  light: { outer: '#11151a', inner: '#ffffff', cursor: '#2f5bd3' },
  dark: { outer: '#f1f4f7', inner: '#0b0d10', cursor: '#8fa8ff' },
};

/** States that can appear as a heatmap cell (non-trading days are not drawn: columns are trading days). */
export const DRAWN_STATES: readonly PaletteState[] = [
  'complete',
  'degraded',
  'missing',
  'pending',
  'not_entitled',
  'failed',
  'running',
  'stale',
  'out_of_range',
];

/** Short description of each state, for the legend and tooltips. */
export const STATE_DESCRIPTIONS: Readonly<Record<PaletteState, string>> = {
  complete: 'Present and validated',
  degraded: 'Present, with rejected or suspicious rows',
  missing: 'Should exist but does not',
  pending: 'Not yet published upstream',
  not_entitled: 'Your plan does not include it',
  failed: 'The last attempt failed',
  running: 'Being fetched right now',
  stale: 'Built, but an input changed since',
  non_trading: 'Weekend or NYSE holiday',
  out_of_range: 'Before the dataset’s history',
};

/** Legend order: the states a person acts on first. */
export const LEGEND_ORDER: readonly PaletteState[] = [
  'complete',
  'stale',
  'degraded',
  'missing',
  'failed',
  'pending',
  'not_entitled',
  'running',
  'out_of_range',
];

const rect = (x: number, y: number, w: number, h: number): number[] => [x, y, x + w, y, x + w, y + h, x, y + h];
/** Half-width of the hatch band, measured along x + y: 1.06 makes the line 1.5 px thick. */
const H = 1.06;

/**
 * Pattern tiles in CSS pixels: ink polygons (flat x,y lists) over the base, repeated from the
 * canvas origin. Shared by the canvas and the SVG swatches so both draw the same thing. Every tile
 * puts ink in every pixel column, so a state stays recognisable in a one-pixel-wide column.
 */
export const PATTERN_TILES: Readonly<Record<Exclude<CellPattern, 'solid'>, { w: number; h: number; shapes: number[][] }>> = {
  // Two staggered 2px dots.
  dots: { w: 4, h: 6, shapes: [rect(0, 0, 2, 2), rect(2, 3, 2, 2)] },
  // Lines along x + y = 0, 6, 12, which join up across tiles into continuous diagonals.
  hatch: {
    w: 6,
    h: 6,
    shapes: [
      [6 - H, 0, 6, 0, 6, H, H, 6, 0, 6, 0, 6 - H],
      [0, 0, H, 0, 0, H],
      [6, 6, 6 - H, 6, 6, 6 - H],
    ],
  },
  // Horizontal bars, 2px of ink every 5px.
  stripes: { w: 1, h: 5, shapes: [rect(0, 0, 1, 2)] },
};
