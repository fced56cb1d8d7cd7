/** A modal side panel (job logs): Escape or the backdrop closes it, and focus moves in and back out. */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

export interface DrawerProps {
  title: ReactNode;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

/** Renders a dialog anchored to the right edge. */
export function Drawer({ title, subtitle, onClose, children, testId }: DrawerProps) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <>
      <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />
      <div
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby="drawer-title"
        tabIndex={-1}
        ref={panel}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <div className="drawer-header">
          <div>
            <h2 id="drawer-title">{title}</h2>
            {subtitle && <p className="muted" style={{ fontSize: 'var(--text-s)', marginTop: 2 }}>{subtitle}</p>}
          </div>
          <button type="button" className="btn btn-small" onClick={onClose}>
            Close
          </button>
        </div>
        <div className="drawer-body">{children}</div>
      </div>
    </>
  );
}
