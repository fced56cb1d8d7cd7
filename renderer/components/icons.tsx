/** The few line icons the navigation uses (inline SVG, 18px, currentColor). */
import type { ReactElement } from 'react';

const common = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export const ICONS: Record<string, ReactElement> = {
  today: (
    <svg {...common}>
      <circle cx="12" cy="12" r="4" />
      <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
    </svg>
  ),
  coverage: (
    <svg {...common}>
      <rect x="3" y="4" width="4" height="4" rx="1" />
      <rect x="10" y="4" width="4" height="4" rx="1" />
      <rect x="17" y="4" width="4" height="4" rx="1" />
      <rect x="3" y="11" width="4" height="4" rx="1" />
      <rect x="10" y="11" width="4" height="4" rx="1" />
      <rect x="17" y="11" width="4" height="4" rx="1" />
      <rect x="3" y="18" width="4" height="3" rx="1" />
      <rect x="10" y="18" width="4" height="3" rx="1" />
    </svg>
  ),
  runs: (
    <svg {...common}>
      <path d="M8 6h13M8 12h13M8 18h13" />
      <path d="M3 6h.01M3 12h.01M3 18h.01" />
    </svg>
  ),
  lake: (
    <svg {...common}>
      <ellipse cx="12" cy="5" rx="8" ry="3" />
      <path d="M4 5v6c0 1.7 3.6 3 8 3s8-1.3 8-3V5" />
      <path d="M4 11v6c0 1.7 3.6 3 8 3s8-1.3 8-3v-6" />
    </svg>
  ),
  sql: (
    <svg {...common}>
      <path d="M8 8l-4 4 4 4M16 8l4 4-4 4M13.5 5l-3 14" />
    </svg>
  ),
  symbol: (
    <svg {...common}>
      <path d="M3 17l5-6 4 3 5-7 4 4" />
      <path d="M3 21h18" />
    </svg>
  ),
  features: (
    <svg {...common}>
      <path d="M4 7h16M4 12h10M4 17h13" />
      <circle cx="19" cy="12" r="2" />
    </svg>
  ),
  gold: (
    <svg {...common}>
      <path d="M12 3l8 4.5v9L12 21l-8-4.5v-9z" />
      <path d="M12 12l8-4.5M12 12v9M12 12L4 7.5" />
    </svg>
  ),
  system: (
    <svg {...common}>
      <rect x="4" y="4" width="16" height="16" rx="2" />
      <rect x="9" y="9" width="6" height="6" />
      <path d="M9 1v3M15 1v3M9 20v3M15 20v3M20 9h3M20 14h3M1 9h3M1 14h3" />
    </svg>
  ),
  settings: (
    <svg {...common}>
      <path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" />
    </svg>
  ),
};

/** The app mark: three rising bars. */
export function BrandMark() {
  return (
    <span className="brand-mark" aria-hidden="true">
      <svg width="16" height="16" viewBox="0 0 16 16" fill="#fff">
        <rect x="1.5" y="9" width="3" height="5.5" rx="1" />
        <rect x="6.5" y="5.5" width="3" height="9" rx="1" />
        <rect x="11.5" y="1.5" width="3" height="13" rx="1" />
      </svg>
    </span>
  );
}
