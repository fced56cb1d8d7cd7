/**
 * Light and dark appearance: follows the system (`prefers-color-scheme`) unless the person picked
 * one in Settings. The resolved theme is written to `<html data-theme>` (the CSS tokens switch on
 * it) and `color-scheme` (native controls and scrollbars follow), and canvas and SVG code that
 * cannot use CSS variables reads it with useTheme().
 */
import { useSyncExternalStore } from 'react';
import { createPreference, oneOf, usePreference } from './preferences.ts';

export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];
export type Theme = 'light' | 'dark';

/** The appearance chosen in Settings ("system" follows the operating system). */
export const themePreference = createPreference<ThemePreference>('quantmini.theme', 'system', oneOf(THEME_PREFERENCES));

/** The theme a preference resolves to, given whether the system asks for dark. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemQuery(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
}

/** The theme in force now. */
export function currentTheme(): Theme {
  return resolveTheme(themePreference.get(), systemQuery()?.matches ?? false);
}

function subscribeTheme(listener: () => void): () => void {
  const query = systemQuery();
  query?.addEventListener('change', listener);
  const stop = themePreference.subscribe(listener);
  return () => {
    query?.removeEventListener('change', listener);
    stop();
  };
}

/** Applies the theme to the document now and whenever the preference or the system changes. */
export function applyThemeToDocument(root: HTMLElement = document.documentElement): () => void {
  const apply = () => {
    const theme = currentTheme();
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  };
  apply();
  return subscribeTheme(apply);
}

/** The resolved theme, re-rendering when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribeTheme, currentTheme, () => 'light' as const);
}

/** The stored preference, re-rendering when it changes. */
export function useThemePreference(): ThemePreference {
  return usePreference(themePreference);
}
