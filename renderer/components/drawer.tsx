/**
 * A modal side panel (job logs) on the native <dialog> element opened with showModal(): the rest of
 * the page becomes inert, so focus cannot leave the panel, Escape closes it wherever focus is
 * inside, a click on the backdrop closes it, and focus returns to what opened it.
 */
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
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    const previous = document.activeElement as HTMLElement | null;
    if (el && !el.open) el.showModal();
    return () => {
      if (el?.open) el.close();
      previous?.focus();
    };
  }, []);
  return (
    <dialog
      className="drawer"
      ref={dialog}
      aria-labelledby="drawer-title"
      data-testid={testId}
      onCancel={(e) => {
        // Escape: let React unmount the dialog rather than the browser closing it under us.
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the ::backdrop is reported on the dialog element itself.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="drawer-panel">
        <div className="drawer-header">
          <div>
            <h2 id="drawer-title">{title}</h2>
            {subtitle && <p className="muted" style={{ fontSize: 'var(--text-s)', marginTop: 2 }}>{subtitle}</p>}
          </div>
          <button type="button" className="btn btn-small" onClick={onClose} data-testid="drawer-close">
            Close
          </button>
        </div>
        <div className="drawer-body">{children}</div>
      </div>
    </dialog>
  );
}
