/** A titled surface; the heading level is explicit so each page keeps a correct outline. */
import type { ReactNode } from 'react';

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  /** Body without side padding (tables that run edge to edge). */
  flush?: boolean;
  testId?: string;
  headingId?: string;
  className?: string;
}

/** A card with an optional h2 header and actions. */
export function Card({ title, description, actions, children, flush, testId, headingId, className }: CardProps) {
  return (
    <section className={`card${className ? ` ${className}` : ''}`} data-testid={testId} aria-labelledby={title ? headingId : undefined}>
      {(title || actions) && (
        <header className="card-header">
          <div>
            {title && <h2 id={headingId}>{title}</h2>}
            {description && <p>{description}</p>}
          </div>
          {actions && <div className="row">{actions}</div>}
        </header>
      )}
      <div className={flush ? 'card-body flush' : 'card-body'}>{children}</div>
    </section>
  );
}

/** The page's h1 with a one-line description and optional actions. */
export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p>{description}</p>}
      </div>
      {actions && <div className="row">{actions}</div>}
    </header>
  );
}
