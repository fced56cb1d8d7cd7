/** The app shell: top bar, navigation and the routed page (each page loaded on first visit). */
import { lazy, Suspense, useEffect } from 'react';
import type { ComponentType } from 'react';
import { useConnectionStatus } from '../api/api-provider.tsx';
import { useContractQuery } from '../api/contract-query.ts';
import { LiveSync } from '../api/live-sync.tsx';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { Loading } from '../components/feedback.tsx';
import { useRoute } from './hash-route.ts';
import type { PageId, Route } from './hash-route.ts';
import { NAV_ITEMS, SideNav } from './side-nav.tsx';
import { TopBar } from './top-bar.tsx';

type PageComponent = ComponentType<{ route: Route }>;

const pages: Record<PageId, PageComponent> = {
  today: lazy(() => import('../pages/today/today-page.tsx').then((m) => ({ default: m.TodayPage }))),
  coverage: lazy(() => import('../pages/coverage/coverage-page.tsx').then((m) => ({ default: m.CoveragePage }))),
  runs: lazy(() => import('../pages/runs/runs-page.tsx').then((m) => ({ default: m.RunsPage }))),
  lake: lazy(() => import('../pages/lake/lake-page.tsx').then((m) => ({ default: m.LakePage }))),
  sql: lazy(() => import('../pages/sql/sql-page.tsx').then((m) => ({ default: m.SqlPage }))),
  system: lazy(() => import('../pages/system/system-page.tsx').then((m) => ({ default: m.SystemPage }))),
  settings: lazy(() => import('../pages/settings/settings-page.tsx').then((m) => ({ default: m.SettingsPage }))),
};

/** The whole window. */
export function App() {
  const route = useRoute();
  const info = useContractQuery('app.info', {}, { staleTime: 60_000 });
  const status = useConnectionStatus();
  const Page = pages[route.page];
  const label = NAV_ITEMS.find((i) => i.page === route.page)?.label ?? 'QuantMini';

  useEffect(() => {
    document.title = `${label} · QuantMini`;
  }, [label]);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // The router owns the hash; move focus without navigating.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <LiveSync />
      <TopBar info={info.data} />
      <SideNav current={route.page} version={info.data?.version ?? null} />
      <main className="main" id="main" tabIndex={-1}>
        {status === 'reconnecting' && (
          <div className="banner" role="status" data-testid="reconnecting-banner">
            <span className="spinner" aria-hidden="true" />
            The connection to the QuantMini host was lost. Reconnecting — what you see may be out of date.
          </div>
        )}
        <ErrorBoundary resetKey={route.page}>
          <Suspense fallback={<Loading label={`Opening ${label}…`} />}>
            <Page route={route} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
