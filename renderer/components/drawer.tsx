/**
 * A modal side panel (job logs) on the native <dialog> element opened with showModal(): the rest of
 * the page becomes inert and Tab wraps around inside the panel, so focus cannot leave it; Escape
 * closes it wherever focus is inside, so does a click on the backdrop, and focus returns to what
 * opened it.
 */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

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
      onKeyDown={(e) => {
        // The page behind is inert, but Tab past the last control would leave for the browser's own
        // UI: wrap around inside the panel instead.
        if (e.key !== 'Tab') return;
        const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('disabled'));
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && (document.activeElement === first || document.activeElement === e.currentTarget)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }}
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
