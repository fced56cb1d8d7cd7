/**
 * Appearance: light, dark or the system's choice, and the time zone data grids show. Both are
 * preferences of this window (kept in local storage), so they apply at once and need no Save.
 */
import { Card } from '../../components/card.tsx';
import { TimeZoneToggle } from '../../components/time-zone-toggle.tsx';
import { themePreference, THEME_PREFERENCES, useTheme, useThemePreference } from '../../lib/theme.ts';
import type { ThemePreference } from '../../lib/theme.ts';

const LABELS: Record<ThemePreference, string> = { system: 'Same as the system', light: 'Light', dark: 'Dark' };

/** The card. */
export function AppearanceCard() {
  const preference = useThemePreference();
  const theme = useTheme();
  return (
    <Card
      title="Appearance"
      headingId="appearance-heading"
      description="Applies at once to this window and is remembered; nothing to save."
      testId="appearance"
    >
      <div className="stack">
        <div className="field">
          <span className="field-label" id="theme-label">
            Theme
          </span>
          <div className="row">
            <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
              {THEME_PREFERENCES.map((p) => (
                <button
                  key={p}
                  type="button"
                  role="radio"
                  aria-checked={preference === p}
                  onClick={() => themePreference.set(p)}
                  data-testid={`theme-${p}`}
                >
                  {LABELS[p]}
                </button>
              ))}
            </div>
            {preference === 'system' && <span className="field-hint">The system asks for {theme} now.</span>}
          </div>
        </div>
        <div className="field">
          <span className="field-label">Timestamps in data grids</span>
          <div className="row">
            <TimeZoneToggle />
            <span className="field-hint">The rest of the app shows New York time.</span>
          </div>
        </div>
      </div>
    </Card>
  );
}
