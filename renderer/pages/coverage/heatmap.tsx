/**
 * The coverage heatmap: dataset rows x trading-day columns, drawn on a devicePixelRatio-aware
 * canvas (fast at 10 rows x 20 years). When every day has its own column and the grid is small
 * (up to about a year of a few datasets), a transparent layer of DOM grid cells sits on top, one
 * per cell, carrying `data-testid="cell-<dataset>-<date>"`, `data-state`, aria labels and keyboard
 * navigation. Pointer input is handled once, by position, so canvas and DOM cells behave alike.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { CoverageGrid } from '../../lib/coverage-grid.ts';
import { stateAt } from '../../lib/coverage-grid.ts';
import { axisTicks, columnExtent, hitTest, layoutHeatmap, rowTop } from '../../lib/heatmap-layout.ts';
import type { HeatmapHit, HeatmapLayout } from '../../lib/heatmap-layout.ts';
import { moveCursor, selectionContains } from '../../lib/heatmap-selection.ts';
import type { CellSpan, HeatmapSelection } from '../../lib/heatmap-selection.ts';
import { formatShortDate, humanize } from '../../lib/format.ts';
import { columnCodes, drawBase, drawOverlay, runningCells } from './draw-heatmap.ts';
import { CellTooltip } from './cell-tooltip.tsx';

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

/** The heatmap with its row labels, axis, tooltip and pointer/keyboard selection. */
export function Heatmap({ grid, title, selection, onPick, onClear, onDrawn }: HeatmapProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const surfaceRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<HeatmapHit | null>(null);
  const [cursor, setCursor] = useState({ row: 0, day: 0 });
  const [dragging, setDragging] = useState(false);
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

  useLayoutEffect(() => {
    if (!baseRef.current || width === 0) return;
    drawBase(baseRef.current, layout, codes, window.devicePixelRatio || 1);
    onDrawn?.();
    // onDrawn is a notification; redrawing because its identity changed would be wasted work.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, codes, width]);

  useEffect(() => {
    const canvas = overlayRef.current;
    if (!canvas || width === 0) return;
    const draw = () => drawOverlay(canvas, layout, { selection, hover, running, pulse: pulse.current }, window.devicePixelRatio || 1);
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
  }, [layout, selection, hover, running, width]);

  const hitAt = (e: PointerEvent<HTMLDivElement>): HeatmapHit | null => {
    const rect = surfaceRef.current?.getBoundingClientRect();
    if (!rect) return null;
    return hitTest(layout, e.clientX - rect.left, e.clientY - rect.top);
  };
  const spanOf = (hit: HeatmapHit): CellSpan => ({ row: hit.row, dayStart: hit.dayStart, dayEnd: hit.dayEnd });

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const hit = hitAt(e);
    if (!hit) return;
    e.preventDefault();
    setDragging(true);
    surfaceRef.current?.setPointerCapture?.(e.pointerId);
    onPick(spanOf(hit), e.shiftKey);
    setCursor({ row: hit.row, day: hit.dayStart });
    if (dom) surfaceRef.current?.querySelector<HTMLElement>(`[data-row="${hit.row}"][data-day="${hit.dayStart}"]`)?.focus({ preventScroll: true });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const hit = hitAt(e);
    if (dragging && hit) onPick(spanOf(hit), true);
    setHover((old) => (old?.row === hit?.row && old?.column === hit?.column ? old : hit));
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    setDragging(false);
    if (surfaceRef.current?.hasPointerCapture?.(e.pointerId)) surfaceRef.current.releasePointerCapture(e.pointerId);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const move = moves[e.key];
    let next = safeCursor;
    if (move) {
      next = moveCursor(safeCursor, move[0], move[1], grid.datasets.length, grid.days.length);
      if (e.shiftKey) onPick({ row: next.row, dayStart: next.day, dayEnd: next.day }, true);
    } else if (e.key === 'Home' || e.key === 'End') {
      next = { row: safeCursor.row, day: e.key === 'Home' ? 0 : grid.days.length - 1 };
    } else if (e.key === 'Enter' || e.key === ' ') {
      onPick({ row: safeCursor.row, dayStart: safeCursor.day, dayEnd: safeCursor.day }, e.shiftKey);
    } else if (e.key === 'Escape') {
      onClear();
    } else {
      return;
    }
    e.preventDefault();
    setCursor(next);
    surfaceRef.current?.querySelector<HTMLElement>(`[data-row="${next.row}"][data-day="${next.day}"]`)?.focus();
  };

  const summary = `${grid.datasets.length} datasets by ${grid.days.length} trading days, ${formatShortDate(grid.from)} to ${formatShortDate(grid.to)}`;

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
        <div className="heatmap-axis" aria-hidden="true">
          {ticks.map((t) => (
            <span key={`${t.x}:${t.label}`} className={t.major ? 'tick major' : 'tick'} style={{ left: t.x }}>
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
        >
          <canvas ref={baseRef} className="heatmap-canvas" data-testid="coverage-canvas" role="img" aria-label={`Coverage heatmap: ${summary}`} />
          <canvas ref={overlayRef} className="heatmap-canvas heatmap-overlay" aria-hidden="true" />
          {dom && (
            <div role="grid" aria-label={`Coverage by dataset and trading day, ${summary}`} aria-multiselectable="true" className="heatmap-cells" onKeyDown={onKeyDown} data-testid="coverage-grid">
              <DomCells grid={grid} layout={layout} title={title} selection={selection} cursor={safeCursor} />
            </div>
          )}
          {hover && !dragging && <CellTooltip grid={grid} layout={layout} hit={hover} title={title} />}
        </div>
      </div>
    </div>
  );
}
