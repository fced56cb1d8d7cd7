/**
 * Selection on the coverage heatmap: a rectangle of dataset rows x trading days, grown from an
 * anchor cell by shift-click, drag or keyboard, and expanded into the (dataset, date) cells that
 * `backfill.estimate` and `runs.startBackfill` take.
 */
import type { CoverageGrid } from './coverage-grid.ts';

/** A clicked cell; in compressed views one column spans several days. */
export interface CellSpan {
  row: number;
  dayStart: number;
  dayEnd: number;
}

/** Inclusive bounds of the selected rectangle. */
export interface HeatmapSelection {
  rowFrom: number;
  rowTo: number;
  dayFrom: number;
  dayTo: number;
}

/** The rectangle spanned by an anchor and a focus cell (order does not matter). */
export function spanSelection(anchor: CellSpan, focus: CellSpan): HeatmapSelection {
  return {
    rowFrom: Math.min(anchor.row, focus.row),
    rowTo: Math.max(anchor.row, focus.row),
    dayFrom: Math.min(anchor.dayStart, focus.dayStart),
    dayTo: Math.max(anchor.dayEnd, focus.dayEnd),
  };
}

/** Whether (row, day) lies inside the selection. */
export function selectionContains(sel: HeatmapSelection | null, row: number, day: number): boolean {
  return sel !== null && row >= sel.rowFrom && row <= sel.rowTo && day >= sel.dayFrom && day <= sel.dayTo;
}

/** Number of cells in the selection. */
export function selectionSize(sel: HeatmapSelection): number {
  return (sel.rowTo - sel.rowFrom + 1) * (sel.dayTo - sel.dayFrom + 1);
}

/** Clamps a selection to a grid (after the range or dataset list changed); null when nothing remains. */
export function clampSelection(sel: HeatmapSelection | null, grid: CoverageGrid): HeatmapSelection | null {
  if (!sel) return null;
  const rows = grid.datasets.length;
  const days = grid.days.length;
  if (sel.rowFrom >= rows || sel.dayFrom >= days) return null;
  return { rowFrom: sel.rowFrom, rowTo: Math.min(sel.rowTo, rows - 1), dayFrom: sel.dayFrom, dayTo: Math.min(sel.dayTo, days - 1) };
}

/** The (dataset, date) cells of a selection, row by row. */
export function selectionCells(grid: CoverageGrid, sel: HeatmapSelection): Array<{ dataset: string; date: string }> {
  const cells: Array<{ dataset: string; date: string }> = [];
  for (let row = sel.rowFrom; row <= sel.rowTo; row++) {
    const dataset = grid.datasets[row];
    if (dataset === undefined) continue;
    for (let day = sel.dayFrom; day <= sel.dayTo; day++) {
      const date = grid.days[day];
      if (date !== undefined) cells.push({ dataset, date });
    }
  }
  return cells;
}

/** Moves a keyboard cursor by (dRow, dDay), clamped to the grid. */
export function moveCursor(cursor: { row: number; day: number }, dRow: number, dDay: number, rows: number, days: number): { row: number; day: number } {
  return {
    row: Math.max(0, Math.min(rows - 1, cursor.row + dRow)),
    day: Math.max(0, Math.min(days - 1, cursor.day + dDay)),
  };
}
