/**
 * A tiny hash router: `#/runs/<runId>` opens a run directly (tests and links use it) and works from
 * file:// in Electron, where path-based routing cannot.
 */
import { useSyncExternalStore } from 'react';

export const PAGES = ['today', 'coverage', 'runs', 'lake', 'sql', 'symbol', 'features', 'gold', 'system', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export interface Route {
  page: PageId;
  /** Decoded path segments after the page, e.g. ['run-123'] for `#/runs/run-123`. */
  params: string[];
}

/** Parses a location hash; anything unknown falls back to Today. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [first, ...rest] = path.split('/').filter(Boolean);
  const page = (PAGES as readonly string[]).includes(first ?? '') ? (first as PageId) : 'today';
  const params = rest.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { page, params };
}

/** The href for a page and optional params: hrefFor('runs', id) -> '#/runs/<id>'. */
export function hrefFor(page: PageId, ...params: string[]): string {
  return `#/${[page, ...params.map(encodeURIComponent)].join('/')}`;
}

/** Navigates to a page (pushes a history entry). */
export function navigate(page: PageId, ...params: string[]): void {
  window.location.hash = hrefFor(page, ...params);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  // Parsing is cheap and returns a fresh object; consumers compare fields, not identity.
  return parseHash(hash);
}
