/**
 * Canvas drawing for the heatmap. The base layer (every cell) is drawn only when the data, the
 * size or the theme changes; runs of equal columns become one rectangle, so 10 rows x 20 years is
 * a few thousand fillRect calls, and patterned states fill with a CanvasPattern tile. The overlay
 * (selection, hover, the keyboard cursor, the pulse on running cells) is redrawn on its own and
 * costs a handful of rectangles. Selection is an outline: a cell's fill never changes with it, so
 * a selected missing cell still looks missing.
 */
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { STATE_CODE } from '../../lib/coverage-grid.ts';
import { OUTLINES, PALETTES, PATTERN_TILES } from '../../lib/coverage-colors.ts';
import type { CellStyle } from '../../lib/coverage-colors.ts';
import { aggregateCode, columnExtent, rowTop } from '../../lib/heatmap-layout.ts';
import type { HeatmapHit, HeatmapLayout } from '../../lib/heatmap-layout.ts';
import type { HeatmapSelection } from '../../lib/heatmap-selection.ts';
import type { Theme } from '../../lib/theme.ts';

const RUNNING = STATE_CODE.running;

/** The state code each column shows, per row. */
export function columnCodes(grid: CoverageGrid, layout: HeatmapLayout): Uint8Array[] {
  return grid.states.map((states) => {
    const out = new Uint8Array(layout.columns);
    for (let c = 0; c < layout.columns; c++) {
      out[c] = aggregateCode(states, layout.columnStart[c] as number, (layout.columnStart[c + 1] as number) - 1);
    }
    return out;
  });
}

/** Cells currently running, as [row, column] pairs (they pulse on the overlay). */
export function runningCells(codes: Uint8Array[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  codes.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) if (row[c] === RUNNING) out.push([r, c]);
  });
  return out;
}

/** Room around the overlay, in CSS pixels, so outlines of edge cells are not cut off by the canvas. */
export const OVERLAY_PAD = 4;

/**
 * Sizes a canvas for the layout at the device pixel ratio (plus `pad` CSS pixels on every side,
 * the canvas shifted out by as much) and returns its 2D context in device pixels, with the origin
 * at the layout's top-left corner.
 */
export function prepareCanvas(canvas: HTMLCanvasElement, layout: HeatmapLayout, dpr: number, pad = 0): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round((layout.width + 2 * pad) * dpr));
  const h = Math.max(1, Math.round((layout.height + 2 * pad) * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${layout.width + 2 * pad}px`;
  canvas.style.height = `${layout.height + 2 * pad}px`;
  canvas.style.left = `${-pad}px`;
  canvas.style.top = `${-pad}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(1, 0, 0, 1, 0, 0);
  ctx?.clearRect(0, 0, w, h);
  ctx?.translate(Math.round(pad * dpr), Math.round(pad * dpr));
  return ctx;
}

/** A fill for one state: its colour, or a pattern tile of ink over the base at the device pixel ratio. */
function cellFill(ctx: CanvasRenderingContext2D, style: CellStyle, dpr: number): CanvasPattern | string {
  if (style.pattern === 'solid' || !style.ink) return style.base;
  const tile = PATTERN_TILES[style.pattern];
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(tile.w * dpr));
  canvas.height = Math.max(1, Math.round(tile.h * dpr));
  const t = canvas.getContext('2d');
  if (!t) return style.base;
  t.scale(canvas.width / tile.w, canvas.height / tile.h);
  t.fillStyle = style.base;
  t.fillRect(0, 0, tile.w, tile.h);
  t.fillStyle = style.ink;
  for (const poly of tile.shapes) {
    t.beginPath();
    t.moveTo(poly[0] as number, poly[1] as number);
    for (let i = 2; i < poly.length; i += 2) t.lineTo(poly[i] as number, poly[i + 1] as number);
    t.closePath();
    t.fill();
  }
  return ctx.createPattern(canvas, 'repeat') ?? style.base;
}

/** Device-pixel x range of a column (a 1px gap between cells when they are wide enough). */
function columnPixels(layout: HeatmapLayout, column: number, dpr: number): [number, number] {
  const [x0, x1] = columnExtent(layout, column);
  const a = Math.round(x0 * dpr);
  const b = Math.round(x1 * dpr) - (layout.gapped ? Math.max(1, Math.round(dpr)) : 0);
  return [a, Math.max(a + 1, b)];
}

/** Draws every cell in the theme's palette. */
export function drawBase(canvas: HTMLCanvasElement, layout: HeatmapLayout, codes: Uint8Array[], dpr: number, theme: Theme): void {
  const ctx = prepareCanvas(canvas, layout, dpr);
  if (!ctx) return;
  const palette = PALETTES[theme];
  // One fill per state, made on first use: most views hold only a few states.
  const fills = new Map<number, CanvasPattern | string>();
  const fillOf = (code: number) => {
    let f = fills.get(code);
    if (f === undefined) {
      const state = COVERAGE_STATES[code];
      f = state ? cellFill(ctx, palette[state], dpr) : palette.out_of_range.base;
      fills.set(code, f);
    }
    return f;
  };
  const rowH = Math.round(layout.rowHeight * dpr);
  codes.forEach((row, r) => {
    const y = Math.round(rowTop(layout, r) * dpr);
    let c = 0;
    while (c < row.length) {
      const code = row[c] as number;
      let end = c + 1;
      // Merging equal neighbours is only invisible when cells touch.
      if (!layout.gapped) while (end < row.length && row[end] === code) end++;
      const [x0] = columnPixels(layout, c, dpr);
      const [, x1] = columnPixels(layout, end - 1, dpr);
      ctx.fillStyle = fillOf(code);
      ctx.fillRect(x0, y, x1 - x0, rowH);
      c = end;
    }
  });
}

export interface OverlayState {
  selection: HeatmapSelection | null;
  hover: HeatmapHit | null;
  /** The keyboard cursor's cell, drawn while the heatmap has keyboard focus. */
  cursor: HeatmapHit | null;
  running: Array<[number, number]>;
  /** 0..1 phase of the running pulse. */
  pulse: number;
}

/** A two-tone rectangle outline around [x0, x1) x [y0, y1) in device pixels. */
function outline(ctx: CanvasRenderingContext2D, box: [number, number, number, number], outer: string, inner: string, width: number): void {
  const [x0, y0, x1, y1] = box;
  ctx.lineWidth = width;
  ctx.strokeStyle = outer;
  ctx.strokeRect(x0 - width / 2, y0 - width / 2, x1 - x0 + width, y1 - y0 + width);
  const w2 = Math.max(1, Math.round(width / 2));
  ctx.lineWidth = w2;
  ctx.strokeStyle = inner;
  ctx.strokeRect(x0 + w2 / 2, y0 + w2 / 2, x1 - x0 - w2, y1 - y0 - w2);
}

/** Draws the running pulse, the selection, the hovered cell and the keyboard cursor. */
export function drawOverlay(canvas: HTMLCanvasElement, layout: HeatmapLayout, state: OverlayState, dpr: number, theme: Theme): void {
  const ctx = prepareCanvas(canvas, layout, dpr, OVERLAY_PAD);
  if (!ctx) return;
  const rowH = Math.round(layout.rowHeight * dpr);
  const tones = OUTLINES[theme];

  if (state.running.length > 0) {
    // A gentle brightening (dark theme: dimming) that never reaches another state's lightness.
    const alpha = 0.35 * (0.5 - 0.5 * Math.cos(state.pulse * 2 * Math.PI));
    ctx.fillStyle = theme === 'light' ? `rgba(255, 255, 255, ${alpha})` : `rgba(0, 0, 0, ${alpha})`;
    for (const [r, c] of state.running) {
      const [x0, x1] = columnPixels(layout, c, dpr);
      ctx.fillRect(x0, Math.round(rowTop(layout, r) * dpr), x1 - x0, rowH);
    }
  }

  const sel = state.selection;
  if (sel) {
    const [x0] = columnPixels(layout, layout.dayColumn[sel.dayFrom] as number, dpr);
    const [, x1] = columnPixels(layout, layout.dayColumn[sel.dayTo] as number, dpr);
    const y0 = Math.round(rowTop(layout, sel.rowFrom) * dpr);
    const y1 = Math.round(rowTop(layout, sel.rowTo) * dpr) + rowH;
    outline(ctx, [x0, y0, x1, y1], tones.outer, tones.inner, Math.round(3 * dpr));
  }

  const cell = (hit: HeatmapHit, outer: string, width: number) => {
    const [x0, x1] = columnPixels(layout, hit.column, dpr);
    const y = Math.round(rowTop(layout, hit.row) * dpr);
    outline(ctx, [x0, y, x1, y + rowH], outer, tones.inner, width);
  };
  if (state.hover) cell(state.hover, tones.outer, Math.max(2, Math.round(2 * dpr)));
  if (state.cursor) cell(state.cursor, tones.cursor, Math.max(2, Math.round(3 * dpr)));
}
