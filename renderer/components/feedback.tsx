/** Loading, empty and error states, written as sentences so every screen reads as finished. */
import type { ReactNode } from 'react';
import { isContractFailure } from '../api/contract-client.ts';

/** A spinner with a label. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** An empty state: a bold first line and an optional explanation or action. */
export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <strong>{title}</strong>
      {children}
    </div>
  );
}

function describe(error: unknown): { title: string; message: string; issues: Array<{ path: string; message: string }> } {
  if (isContractFailure(error)) {
    const titles: Record<string, string> = {
      invalid_input: 'That input was not accepted',
      not_found: 'Not found',
      forbidden: 'Not allowed',
      conflict: 'Already in progress',
      unavailable: 'Not available',
      cancelled: 'Cancelled',
      internal: 'Something went wrong',
    };
    return { title: titles[error.code] ?? 'Something went wrong', message: error.message, issues: error.issues ?? [] };
  }
  return { title: 'Something went wrong', message: error instanceof Error ? error.message : String(error), issues: [] };
}

/** An inline error with the contract error's message (and zod issues for invalid input). */
export function ErrorNotice({ error, title, action, testId = 'error' }: { error: unknown; title?: string; action?: ReactNode; testId?: string }) {
  const d = describe(error);
  return (
    <div className="notice" data-tone="danger" role="alert" data-testid={testId}>
      <div className="stack-s" style={{ flex: 1 }}>
        <span className="notice-title">{title ?? d.title}</span>
        <span>{d.message}</span>
        {d.issues.length > 0 && (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {d.issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {i.path ? <code>{i.path}</code> : null} {i.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {action}
    </div>
  );
}
