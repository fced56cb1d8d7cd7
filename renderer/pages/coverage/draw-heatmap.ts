/**
 * Canvas drawing for the heatmap. The base layer (every cell) is drawn only when the data or the
 * size changes; runs of equal columns become one rectangle, so 10 rows x 20 years is a few
 * thousand fillRect calls. The overlay (selection, hover, the pulse on running cells) is redrawn
 * on its own and costs a handful of rectangles.
 */
import { COVERAGE_STATES } from '../../../core/vocabulary/coverage-states.ts';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { STATE_CODE } from '../../lib/coverage-grid.ts';
import { STATE_COLORS } from '../../lib/coverage-colors.ts';
import { aggregateCode, columnExtent, rowTop } from '../../lib/heatmap-layout.ts';
import type { HeatmapHit, HeatmapLayout } from '../../lib/heatmap-layout.ts';
import type { HeatmapSelection } from '../../lib/heatmap-selection.ts';

const COLOR_BY_CODE = COVERAGE_STATES.map((s) => STATE_COLORS[s]);
const RUNNING = STATE_CODE.running;
const OUT_OF_RANGE = STATE_CODE.out_of_range;

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

/** Sizes a canvas for the layout at the device pixel ratio and returns its 2D context in device pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, layout: HeatmapLayout, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(layout.width * dpr));
  const h = Math.max(1, Math.round(layout.height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(1, 0, 0, 1, 0, 0);
  ctx?.clearRect(0, 0, w, h);
  return ctx;
}

function hatchPattern(ctx: CanvasRenderingContext2D, dpr: number): CanvasPattern | string {
  const size = Math.max(4, Math.round(6 * dpr));
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return '#f4f5f7';
  t.fillStyle = '#ffffff';
  t.fillRect(0, 0, size, size);
  t.strokeStyle = '#c9ced6';
  t.lineWidth = Math.max(1, dpr * 0.9);
  t.beginPath();
  t.moveTo(0, size);
  t.lineTo(size, 0);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? '#f4f5f7';
}

/** Device-pixel x range of a column (a 1px gap between cells when they are wide enough). */
function columnPixels(layout: HeatmapLayout, column: number, dpr: number): [number, number] {
  const [x0, x1] = columnExtent(layout, column);
  const a = Math.round(x0 * dpr);
  const b = Math.round(x1 * dpr) - (layout.gapped ? Math.max(1, Math.round(dpr)) : 0);
  return [a, Math.max(a + 1, b)];
}

/** Draws every cell. */
export function drawBase(canvas: HTMLCanvasElement, layout: HeatmapLayout, codes: Uint8Array[], dpr: number): void {
  const ctx = prepareCanvas(canvas, layout, dpr);
  if (!ctx) return;
  const hatch = hatchPattern(ctx, dpr);
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
      ctx.fillStyle = code === OUT_OF_RANGE ? hatch : (COLOR_BY_CODE[code] ?? '#ffffff');
      ctx.fillRect(x0, y, x1 - x0, rowH);
      c = end;
    }
  });
}

export interface OverlayState {
  selection: HeatmapSelection | null;
  hover: HeatmapHit | null;
  running: Array<[number, number]>;
  /** 0..1 phase of the running pulse. */
  pulse: number;
}

/** Draws the selection, the hovered cell and the running pulse. */
export function drawOverlay(canvas: HTMLCanvasElement, layout: HeatmapLayout, state: OverlayState, dpr: number): void {
  const ctx = prepareCanvas(canvas, layout, dpr);
  if (!ctx) return;
  const rowH = Math.round(layout.rowHeight * dpr);

  if (state.running.length > 0) {
    ctx.fillStyle = `rgba(255, 255, 255, ${0.55 * (0.5 - 0.5 * Math.cos(state.pulse * 2 * Math.PI))})`;
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
    const pad = Math.round(2 * dpr);
    ctx.fillStyle = 'rgba(28, 47, 110, 0.22)';
    ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    ctx.strokeStyle = '#1a1e24';
    ctx.lineWidth = pad;
    ctx.strokeRect(x0 - pad / 2, y0 - pad / 2, x1 - x0 + pad, y1 - y0 + pad);
  }

  const hover = state.hover;
  if (hover) {
    const [x0, x1] = columnPixels(layout, hover.column, dpr);
    const y = Math.round(rowTop(layout, hover.row) * dpr);
    const lw = Math.max(1, Math.round(1.5 * dpr));
    ctx.strokeStyle = '#1a1e24';
    ctx.lineWidth = lw;
    ctx.strokeRect(x0 - lw / 2, y - lw / 2, x1 - x0 + lw, rowH + lw);
  }
}
