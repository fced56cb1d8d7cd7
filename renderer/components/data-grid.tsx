/**
 * A virtualised, read-only table over decoded Arrow data (Parquet previews and SQL results). Only
 * the rows in view are in the DOM, so 100,000 result rows scroll as smoothly as 100. Timestamps
 * follow the New York / UTC preference (TimeZoneToggle).
 */
import { elementScroll, useVirtualizer } from '@tanstack/react-virtual';
import type { Rect, Virtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { CSSProperties } from 'react';
import type { DecodedTable } from '../lib/arrow-table.ts';
import { gridTimeZone, usePreference } from '../lib/preferences.ts';
import type { GridTimeZone } from '../lib/preferences.ts';

export interface DataGridProps {
  table: DecodedTable;
  /** Accessible name of the table. */
  label: string;
  /** Row number of the first row (for paged previews), shown in the gutter. */
  firstRowNumber?: number;
  /** Prefix of the cells' test ids: `<prefix>-cell-<row>-<column>`. */
  testIdPrefix: string;
  height?: number;
}

const ROW_HEIGHT = 31;
const CHAR_WIDTH = 7.4;

/**
 * Reports the scroller's size from a ResizeObserver only. The library's default reads clientHeight
 * as soon as the grid mounts, which forces a layout of the whole page in the middle of the commit;
 * the observer reports after the browser's own layout, and `initialRect` covers the first render.
 */
function observeRectAfterLayout(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void): (() => void) | undefined {
  const element = instance.scrollElement;
  if (!element || typeof ResizeObserver === 'undefined') return undefined;
  const observer = new ResizeObserver(() => cb({ width: element.clientWidth, height: element.clientHeight }));
  observer.observe(element);
  return () => observer.disconnect();
}

/**
 * Scrolls like the library's default, except the scroll to 0 it makes when it first sees a new
 * grid: a new element is already at 0, and writing scrollTop forces a layout of the page mid-commit.
 */
const seenScrollers = new WeakSet<Element>();
function scrollUnlessNew(offset: number, options: { adjustments?: number; behavior?: ScrollBehavior }, instance: Virtualizer<HTMLDivElement, Element>): void {
  const element = instance.scrollElement;
  if (element && !seenScrollers.has(element)) {
    seenScrollers.add(element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
}

/** Column widths from the header and a sample of values, clamped to a readable range. */
function columnWidths(table: DecodedTable, zone: GridTimeZone): number[] {
  const sample = Math.min(table.rowCount, 60);
  return table.columns.map((col, c) => {
    let longest = Math.max(col.name.length, col.type.length * 0.85);
    for (let r = 0; r < sample; r++) longest = Math.max(longest, table.cell(r, c, zone)?.length ?? 4);
    return Math.round(Math.max(84, Math.min(320, longest * CHAR_WIDTH + 26)));
  });
}

/** Renders the table with a sticky header and a row-number gutter. */
export function DataGrid({ table, label, firstRowNumber = 0, testIdPrefix, height = 440 }: DataGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const zone = usePreference(gridTimeZone);
  const widths = useMemo(() => columnWidths(table, zone), [table, zone]);
  const boxHeight = Math.min(height, ROW_HEIGHT * (table.rowCount + 2) + 14);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's returned functions are read during render on purpose; nothing memoises them.
  const virtualizer = useVirtualizer({
    count: table.rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // The box's height is known before it is measured, so the first render already has its rows.
    initialRect: { width: 0, height: boxHeight },
    observeElementRect: observeRectAfterLayout,
    scrollToFn: scrollUnlessNew,
  });
  const items = virtualizer.getVirtualItems();
  return (
    <div
      className="datagrid"
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={table.rowCount + 1}
      aria-colcount={table.columns.length + 1}
      style={{ height: boxHeight }}
      tabIndex={0}
      data-testid={`${testIdPrefix}-table`}
    >
      <div role="rowgroup">
        <div className="datagrid-head" role="row" aria-rowindex={1}>
          <div className="datagrid-rownum" role="columnheader">
            #
          </div>
          {table.columns.map((col, c) => (
            <div key={col.name + c} className="datagrid-cell" role="columnheader" style={{ '--col-width': `${widths[c]}px` } as CSSProperties} title={`${col.name}: ${col.type}`}>
              <span>{col.name}</span>
              <span className="type">{col.type}</span>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" style={{ position: 'relative', height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const r = item.index;
          const rowNumber = firstRowNumber + r;
          return (
            <div key={item.key} className="datagrid-row" role="row" aria-rowindex={r + 2} style={{ top: item.start, height: ROW_HEIGHT }} data-testid={`${testIdPrefix}-row-${rowNumber}`}>
              <div className="datagrid-rownum" role="rowheader">
                {rowNumber + 1}
              </div>
              {table.columns.map((col, c) => {
                const value = table.cell(r, c, zone);
                const text = value ?? 'NULL';
                return (
                  <div
                    key={col.name + c}
                    className="datagrid-cell"
                    role="cell"
                    data-kind={col.kind}
                    data-null={value === null ? true : undefined}
                    style={{ '--col-width': `${widths[c]}px` } as CSSProperties}
                    data-testid={`${testIdPrefix}-cell-${rowNumber}-${col.name}`}
                    title={text.length > 24 ? text : undefined}
                  >
                    {text}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
