/**
 * The coverage heatmap: dataset rows x trading-day columns, drawn on a devicePixelRatio-aware
 * canvas (fast at 10 rows x 20 years). When every day has its own column and the grid is small
 * (up to about a year of a few datasets), a transparent layer of DOM grid cells sits on top, one
 * per cell, carrying `data-testid="cell-<dataset>-<date>"`, `data-state`, aria labels and keyboard
 * navigation. At longer ranges the surface itself takes focus and the keyboard moves a cursor
 * over the drawn columns (arrows, Home/End, Enter to select, Shift to extend), announced in a live
 * region and shown with the same tooltip as the pointer. Pointer input is handled once, by position,
 * so canvas and DOM cells behave alike.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { stateAt } from '../../lib/coverage-grid.ts';
import { axisTicks, cellAt, columnExtent, hitTest, layoutHeatmap, rowTop, stepColumns } from '../../lib/heatmap-layout.ts';
import type { HeatmapHit, HeatmapLayout } from '../../lib/heatmap-layout.ts';
import { selectionContains } from '../../lib/heatmap-selection.ts';
import type { CellSpan, HeatmapSelection } from '../../lib/heatmap-selection.ts';
import { formatDateRange, formatShortDate, humanize } from '../../lib/format.ts';
import { useTheme } from '../../lib/theme.ts';
import { columnCodes, drawBase, drawOverlay, runningCells } from './draw-heatmap.ts';
import { CellTooltip, spanSummary } from './cell-tooltip.tsx';

const KEY_HELP = 'Arrow keys move between drawn columns, Enter selects, Shift extends, Escape clears.';

/** Most DOM cells the accessible layer renders; beyond this only the canvas is drawn. */
export const MAX_DOM_CELLS = 3000;
const MIN_DOM_CELL_WIDTH = 4;

export interface HeatmapProps {
  grid: CoverageGrid;
  title: (dataset: string) => string;
  selection: HeatmapSelection | null;
  /** A click or Enter: start a new selection, or extend from the anchor when `extend`. */
  onPick: (cell: CellSpan, extend: boolean) => void;
  onClear: () => void;
  /** Called after the base layer is drawn for new data or a new size. */
  onDrawn?: () => void;
}

/** Whether a layout gets the DOM cell layer. */
export function usesDomCells(layout: HeatmapLayout): boolean {
  return layout.columns === layout.dayCount && layout.rowCount * layout.dayCount <= MAX_DOM_CELLS && layout.width / layout.columns >= MIN_DOM_CELL_WIDTH;
}

interface CellsProps {
  grid: CoverageGrid;
  layout: HeatmapLayout;
  title: (dataset: string) => string;
  selection: HeatmapSelection | null;
  cursor: { row: number; day: number };
}

const DomCells = memo(function DomCells({ grid, layout, title, selection, cursor }: CellsProps) {
  const step = layout.width / layout.columns;
  const width = Math.max(1, step - (layout.gapped ? 1 : 0));
  return (
    <>
      {grid.datasets.map((dataset, r) => (
        <div role="row" key={dataset} aria-label={title(dataset)} aria-rowindex={r + 1}>
          {grid.days.map((date, d) => {
            const state = stateAt(grid, r, d);
            const selected = selectionContains(selection, r, d);
            return (
              <div
                key={date}
                role="gridcell"
                className="heatmap-cell"
                data-testid={`cell-${dataset}-${date}`}
                data-state={state}
                data-selected={selected || undefined}
                data-row={r}
                data-day={d}
                aria-selected={selected}
                aria-label={`${title(dataset)}, ${formatShortDate(date)}: ${humanize(state)}`}
                tabIndex={cursor.row === r && cursor.day === d ? 0 : -1}
                style={{ left: columnExtent(layout, d)[0], top: rowTop(layout, r), width, height: layout.rowHeight }}
              />
            );
          })}
        </div>
      ))}
    </>
  );
});

/** What the keyboard cursor's cell is, for the live region: "Stocks daily, 4 Mar 2024: Missing". */
function cursorText(grid: CoverageGrid, hit: HeatmapHit, title: (d: string) => string): string {
  const name = title(grid.datasets[hit.row] as string);
  const from = grid.days[hit.dayStart] as string;
  const to = grid.days[hit.dayEnd] as string;
  if (hit.dayStart === hit.dayEnd) return `${name}, ${formatShortDate(from)}: ${humanize(stateAt(grid, hit.row, hit.dayStart))}`;
  return `${name}, ${formatDateRange(from, to)}, ${hit.dayEnd - hit.dayStart + 1} trading days: ${spanSummary(grid, hit)}`;
}

/** The heatmap with its row labels, axis, tooltip and pointer/keyboard selection. */
export function Heatmap({ grid, title, selection, onPick, onClear, onDrawn }: HeatmapProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const surfaceRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<HeatmapHit | null>(null);
  const [cursor, setCursor] = useState({ row: 0, day: 0 });
  const [focused, setFocused] = useState(false);
  // The cursor's tooltip and outline are for keyboard use; a click that focuses a cell shows neither.
  const [usingKeys, setUsingKeys] = useState(false);
  const [dragging, setDragging] = useState(false);
  // After a drag the pointer rests on the selection's last cell: no tooltip until it moves on, so
  // it does not sit over the selection panel the drag just filled.
  const [quietCell, setQuietCell] = useState<HeatmapHit | null>(null);
  const dragMoved = useRef(false);
  // Focus our own pointer handler moves to a cell is not keyboard focus, whatever :focus-visible says.
  const pointerFocus = useRef(false);
  const keyboardFocus = (target: Element) => !pointerFocus.current && target.matches(':focus-visible');
  const pulse = useRef(0);

  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((old) => (old === w ? old : w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const layout = useMemo(() => layoutHeatmap(grid.days.length, grid.datasets.length, width || 1), [grid.days.length, grid.datasets.length, width]);
  const codes = useMemo(() => columnCodes(grid, layout), [grid, layout]);
  const running = useMemo(() => runningCells(codes), [codes]);
  const ticks = useMemo(() => axisTicks(grid.days, layout), [grid.days, layout]);
  const dom = width > 0 && usesDomCells(layout);
  const safeCursor = { row: Math.min(cursor.row, Math.max(0, grid.datasets.length - 1)), day: Math.min(cursor.day, Math.max(0, grid.days.length - 1)) };
  const cursorHit = grid.days.length > 0 && grid.datasets.length > 0 ? cellAt(layout, safeCursor.row, safeCursor.day) : null;
  const keyboardHit = focused && usingKeys ? cursorHit : null;

  useLayoutEffect(() => {
    if (!baseRef.current || width === 0) return;
    drawBase(baseRef.current, layout, codes, window.devicePixelRatio || 1, theme);
    onDrawn?.();
    // onDrawn is a notification; redrawing because its identity changed would be wasted work.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, codes, width, theme]);

  // The DOM cells show their own focus ring; the canvas draws the cursor when it has focus.
  const overlayCursor = dom ? null : keyboardHit;
  const cursorKey = overlayCursor ? `${overlayCursor.row}:${overlayCursor.column}` : '';
  useEffect(() => {
    const canvas = overlayRef.current;
    if (!canvas || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const draw = () => drawOverlay(canvas, layout, { selection, hover, cursor: overlayCursor, running, pulse: pulse.current }, dpr, theme);
    draw();
    if (running.length === 0) return;
    let frame = 0;
    let last = performance.now();
    const tick = (now: number) => {
      // About 15 redraws a second is enough for a gentle pulse and keeps the main thread idle.
      if (now - last > 66) {
        pulse.current = (pulse.current + (now - last) / 1400) % 1;
        last = now;
        draw();
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
    // overlayCursor is a fresh object each render; cursorKey names it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, selection, hover, running, width, theme, cursorKey]);

  const hitAt = (e: PointerEvent<HTMLDivElement>): HeatmapHit | null => {
    const rect = surfaceRef.current?.getBoundingClientRect();
    if (!rect) return null;
    return hitTest(layout, e.clientX - rect.left, e.clientY - rect.top);
  };
  const spanOf = (hit: HeatmapHit): CellSpan => ({ row: hit.row, dayStart: hit.dayStart, dayEnd: hit.dayEnd });
  const focusCursor = (row: number, day: number, preventScroll = false) => {
    if (dom) surfaceRef.current?.querySelector<HTMLElement>(`[data-row="${row}"][data-day="${day}"]`)?.focus({ preventScroll });
    else surfaceRef.current?.focus({ preventScroll });
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const hit = hitAt(e);
    if (!hit) return;
    e.preventDefault();
    setDragging(true);
    setUsingKeys(false);
    dragMoved.current = false;
    setQuietCell(null);
    surfaceRef.current?.setPointerCapture?.(e.pointerId);
    onPick(spanOf(hit), e.shiftKey);
    setCursor({ row: hit.row, day: hit.dayStart });
    // focus() fires the focus event synchronously, so the flag covers exactly this call.
    pointerFocus.current = true;
    focusCursor(hit.row, hit.dayStart, true);
    pointerFocus.current = false;
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const hit = hitAt(e);
    if (dragging && hit && (hit.row !== cursor.row || hit.dayStart !== cursor.day || dragMoved.current)) {
      dragMoved.current = true;
      onPick(spanOf(hit), true);
    }
    if (quietCell && (hit?.row !== quietCell.row || hit?.column !== quietCell.column)) setQuietCell(null);
    setHover((old) => (old?.row === hit?.row && old?.column === hit?.column ? old : hit));
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (dragging && dragMoved.current) setQuietCell(hitAt(e));
    setDragging(false);
    if (surfaceRef.current?.hasPointerCapture?.(e.pointerId)) surfaceRef.current.releasePointerCapture(e.pointerId);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const rows = grid.datasets.length;
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const move = moves[e.key];
    let next = safeCursor;
    if (move) {
      next = { row: Math.max(0, Math.min(rows - 1, safeCursor.row + move[0])), day: stepColumns(layout, safeCursor.day, move[1]) };
      if (e.shiftKey) onPick(spanOf(cellAt(layout, next.row, next.day)), true);
    } else if (e.key === 'Home' || e.key === 'End') {
      next = { row: safeCursor.row, day: stepColumns(layout, 0, e.key === 'Home' ? 0 : layout.columns) };
      if (e.shiftKey) onPick(spanOf(cellAt(layout, next.row, next.day)), true);
    } else if (e.key === 'Enter' || e.key === ' ') {
      onPick(spanOf(cellAt(layout, safeCursor.row, safeCursor.day)), e.shiftKey);
    } else if (e.key === 'Escape') {
      onClear();
    } else {
      return;
    }
    e.preventDefault();
    setUsingKeys(true);
    setHover(null);
    setCursor(next);
    if (dom) focusCursor(next.row, next.day);
  };

  const summary = `${grid.datasets.length} datasets by ${grid.days.length} trading days, ${formatShortDate(grid.from)} to ${formatShortDate(grid.to)}`;
  const quiet = quietCell !== null && hover !== null && quietCell.row === hover.row && quietCell.column === hover.column;
  const tooltipHit = dragging ? null : hover && !quiet ? hover : keyboardHit;

  return (
    <div className="heatmap" data-testid="heatmap" data-days={grid.days.length} data-columns={layout.columns} data-dom-cells={dom}>
      <div className="heatmap-labels" aria-hidden="true">
        {grid.datasets.map((d, r) => (
          <div key={d} className="heatmap-label" style={{ top: rowTop(layout, r), height: layout.rowHeight }} title={d}>
            {title(d)}
          </div>
        ))}
      </div>
      <div className="heatmap-plot" ref={plotRef}>
        <div className="heatmap-axis" aria-hidden="true" data-testid="heatmap-axis">
          {ticks.map((t) => (
            <span key={`${t.x}:${t.label}`} className={t.major ? 'tick major' : t.label ? 'tick' : 'tick minor'} style={{ left: t.x }}>
              {t.label}
            </span>
          ))}
        </div>
        <div
          className="heatmap-surface"
          ref={surfaceRef}
          style={{ height: layout.height }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onPointerLeave={() => setHover(null)}
          {...(dom
            ? {}
            : {
                tabIndex: 0,
                role: 'application',
                'aria-roledescription': 'heatmap',
                'aria-label': `Coverage heatmap: ${summary}. ${KEY_HELP}`,
                'aria-describedby': 'heatmap-cursor',
                onKeyDown,
                onFocus: (e) => {
                  setFocused(e.target === e.currentTarget);
                  // Tabbing in shows the cursor at once; a click's focus does not.
                  if (keyboardFocus(e.target)) setUsingKeys(true);
                },
                onBlur: () => setFocused(false),
                'data-testid': 'heatmap-surface',
              })}
        >
          <canvas ref={baseRef} className="heatmap-canvas" data-testid="coverage-canvas" role="img" aria-label={`Coverage heatmap: ${summary}`} />
          <canvas ref={overlayRef} className="heatmap-canvas heatmap-overlay" aria-hidden="true" />
          {dom && (
            <div
              role="grid"
              aria-label={`Coverage by dataset and trading day, ${summary}`}
              aria-multiselectable="true"
              className="heatmap-cells"
              data-keys={usingKeys || undefined}
              onKeyDown={onKeyDown}
              onFocus={(e) => {
                setFocused(true);
                if (keyboardFocus(e.target)) setUsingKeys(true);
              }}
              onBlur={() => setFocused(false)}
              data-testid="coverage-grid"
            >
              <DomCells grid={grid} layout={layout} title={title} selection={selection} cursor={safeCursor} />
            </div>
          )}
          {tooltipHit && <CellTooltip grid={grid} layout={layout} hit={tooltipHit} title={title} />}
        </div>
        {!dom && (
          <p className="visually-hidden" id="heatmap-cursor" aria-live="polite" data-testid="heatmap-cursor">
            {focused && cursorHit ? cursorText(grid, cursorHit, title) : ''}
          </p>
        )}
      </div>
    </div>
  );
}
