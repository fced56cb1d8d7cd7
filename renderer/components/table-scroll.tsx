/**
 * A scrolling box around a table. Keyboard users can only scroll what can take focus, so the box
 * is a named, focusable region (axe's scrollable-region-focusable); arrow keys then scroll it.
 */
import type { CSSProperties, ReactNode } from 'react';

/** The scroll container; `label` names it for screen readers. */
export function TableScroll(props: { label: string; maxHeight?: number; children: ReactNode; testId?: string }) {
  const { label, maxHeight, children, testId } = props;
  const style: CSSProperties | undefined = maxHeight === undefined ? undefined : { maxHeight };
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0} style={style} data-testid={testId}>
      {children}
    </div>
  );
}
