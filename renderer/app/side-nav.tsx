/** Left navigation: one link per page, Tab or arrow keys to move, aria-current on the open page. */
import type { KeyboardEvent } from 'react';
import { ICONS } from '../components/icons.tsx';
import { hrefFor } from './hash-route.ts';
import type { PageId } from './hash-route.ts';

export const NAV_ITEMS: ReadonlyArray<{ page: PageId; label: string }> = [
  { page: 'today', label: 'Today' },
  { page: 'coverage', label: 'Coverage' },
  { page: 'runs', label: 'Runs' },
  { page: 'lake', label: 'Lake' },
  { page: 'sql', label: 'SQL' },
  { page: 'symbol', label: 'Symbol' },
  { page: 'features', label: 'Feature sets' },
  { page: 'gold', label: 'Gold' },
  { page: 'system', label: 'System' },
  { page: 'settings', label: 'Settings' },
];

function onArrowKeys(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
  const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('a')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (at < 0) return;
  e.preventDefault();
  const next = e.key === 'Home' ? 0 : e.key === 'End' ? links.length - 1 : (at + (e.key === 'ArrowDown' ? 1 : -1) + links.length) % links.length;
  links[next]?.focus();
}

/** The navigation landmark. */
export function SideNav({ current, version }: { current: PageId; version: string | null }) {
  return (
    <nav className="nav" aria-label="Main" onKeyDown={onArrowKeys}>
      <ul>
        {NAV_ITEMS.map((item) => (
          <li key={item.page}>
            <a href={hrefFor(item.page)} aria-current={current === item.page ? 'page' : undefined} data-testid={`nav-${item.page}`}>
              {ICONS[item.page]}
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      {version && <p className="nav-footer">QuantMini {version}</p>}
    </nav>
  );
}
