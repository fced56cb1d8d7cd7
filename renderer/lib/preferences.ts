/**
 * Renderer-only preferences (appearance, the time zone grids show, the SQL editor's text and
 * history), kept in localStorage so they survive page changes and restarts in both hosts. They
 * describe how this window shows things, not what the backend does, so they never cross the
 * contract. Each preference is a tiny external store React reads with useSyncExternalStore.
 */
import { useSyncExternalStore } from 'react';

/** One persisted value with change notification. */
export interface Preference<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

/** localStorage, or null where it is unavailable (storage disabled, tests in node). */
function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * A preference stored under `key` as JSON. `parse` turns whatever is stored (possibly written by
 * an older version, or edited by hand) into a valid value, falling back to the default.
 */
export function createPreference<T>(key: string, fallback: T, parse: (raw: unknown) => T | null): Preference<T> {
  const listeners = new Set<() => void>();
  let cached: { value: T } | null = null;
  const read = (): T => {
    const text = storage()?.getItem(key);
    if (text === null || text === undefined) return fallback;
    try {
      return parse(JSON.parse(text)) ?? fallback;
    } catch {
      return fallback;
    }
  };
  return {
    get() {
      cached ??= { value: read() };
      return cached.value;
    },
    set(value) {
      cached = { value };
      try {
        storage()?.setItem(key, JSON.stringify(value));
      } catch {
        // A full or disabled storage only loses persistence; the value still applies to this window.
      }
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Reads a preference in a component and re-renders when it changes. */
export function usePreference<T>(pref: Preference<T>): T {
  return useSyncExternalStore(pref.subscribe, pref.get, pref.get);
}

/** Parses one of a fixed set of strings. */
export function oneOf<const T extends string>(values: readonly T[]): (raw: unknown) => T | null {
  return (raw) => (typeof raw === 'string' && (values as readonly string[]).includes(raw) ? (raw as T) : null);
}

export const TIME_ZONES = ['America/New_York', 'UTC'] as const;
export type GridTimeZone = (typeof TIME_ZONES)[number];

/** The time zone data grids show timestamps in (the rest of the app always shows New York time). */
export const gridTimeZone = createPreference<GridTimeZone>('quantmini.gridTimeZone', 'America/New_York', oneOf(TIME_ZONES));
