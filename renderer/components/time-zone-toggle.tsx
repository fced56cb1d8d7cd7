/** New York / UTC switch for timestamps in data grids (one preference for every grid, kept across restarts). */
import { gridTimeZone, usePreference } from '../lib/preferences.ts';
import type { GridTimeZone } from '../lib/preferences.ts';

const OPTIONS: ReadonlyArray<{ zone: GridTimeZone; label: string }> = [
  { zone: 'America/New_York', label: 'New York' },
  { zone: 'UTC', label: 'UTC' },
];

/** The switch; `hasTimestamps` hides it for tables without a timestamp column. */
export function TimeZoneToggle({ hasTimestamps = true }: { hasTimestamps?: boolean }) {
  const zone = usePreference(gridTimeZone);
  if (!hasTimestamps) return null;
  return (
    <div className="segmented" role="radiogroup" aria-label="Show timestamps in" data-testid="time-zone-toggle">
      {OPTIONS.map((o) => (
        <button
          key={o.zone}
          type="button"
          role="radio"
          aria-checked={zone === o.zone}
          onClick={() => gridTimeZone.set(o.zone)}
          data-testid={`time-zone-${o.zone === 'UTC' ? 'utc' : 'ny'}`}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
