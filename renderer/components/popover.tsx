/** A button that opens a small panel below it; Escape, a click outside or the button close it again. */
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';

/** Popover with a labelled trigger button. */
export function Popover({ label, children, testId, panelLabel }: { label: ReactNode; children: ReactNode; testId?: string; panelLabel: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);
  return (
    <div
      className="popover"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button type="button" ref={button} className="btn btn-small" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} data-testid={testId}>
        {label}
      </button>
      {open && (
        <div className="popover-panel" id={panelId} role="group" aria-label={panelLabel}>
          {children}
        </div>
      )}
    </div>
  );
}
