/**
 * The app shell: top bar, navigation and the routed page. Each page is its own chunk; the open
 * page's chunk loads first, the others are fetched and evaluated one by one while the window is
 * idle, so switching pages later (say, while an update runs) neither waits for the network nor
 * compiles a chunk in the middle of the switch.
 */
import { FirstRunLake } from './first-run-lake.tsx';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ComponentType } from 'react';
import { useConnectionStatus } from '../api/api-provider.tsx';
import { useContractQuery } from '../api/contract-query.ts';
import { LiveSync } from '../api/live-sync.tsx';
import { RunNotifications } from './run-notifications.tsx';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { Loading } from '../components/feedback.tsx';
import { runWhenIdle } from '../lib/idle-queue.ts';
import { PAGES, useRoute } from './hash-route.ts';
import type { PageId, Route } from './hash-route.ts';
import { NAV_ITEMS, SideNav } from './side-nav.tsx';
import { TopBar } from './top-bar.tsx';

type PageComponent = ComponentType<{ route: Route }>;

const loaders: Record<PageId, () => Promise<PageComponent>> = {
  today: () => import('../pages/today/today-page.tsx').then((m) => m.TodayPage),
  coverage: () => import('../pages/coverage/coverage-page.tsx').then((m) => m.CoveragePage),
  runs: () => import('../pages/runs/runs-page.tsx').then((m) => m.RunsPage),
  lake: () => import('../pages/lake/lake-page.tsx').then((m) => m.LakePage),
  sql: () => import('../pages/sql/sql-page.tsx').then((m) => m.SqlPage),
  symbol: () => import('../pages/symbol/symbol-page.tsx').then((m) => m.SymbolPage),
  features: () => import('../pages/feature-sets/feature-sets-page.tsx').then((m) => m.FeatureSetsPage),
  gold: () => import('../pages/gold/gold-page.tsx').then((m) => m.GoldPage),
  system: () => import('../pages/system/system-page.tsx').then((m) => m.SystemPage),
  settings: () => import('../pages/settings/settings-page.tsx').then((m) => m.SettingsPage),
};

const lazyPage = (id: PageId) => lazy(() => loaders[id]().then((Page) => ({ default: Page })));
const pages: Record<PageId, PageComponent> = {
  today: lazyPage('today'),
  coverage: lazyPage('coverage'),
  runs: lazyPage('runs'),
  lake: lazyPage('lake'),
  sql: lazyPage('sql'),
  symbol: lazyPage('symbol'),
  features: lazyPage('features'),
  gold: lazyPage('gold'),
  system: lazyPage('system'),
  settings: lazyPage('settings'),
};

/** Loads every other page's chunk in idle time after the window opens, one chunk per idle period. */
function usePrefetchPages(current: PageId): void {
  const [first] = useState(current);
  useEffect(() => runWhenIdle(PAGES.filter((id) => id !== first).map((id) => loaders[id])), [first]);
}

/** The whole window. */
export function App() {
  const route = useRoute();
  const info = useContractQuery('app.info', {}, { staleTime: 60_000 });
  const status = useConnectionStatus();
  const Page = pages[route.page];
  const label = NAV_ITEMS.find((i) => i.page === route.page)?.label ?? 'QuantMini';
  usePrefetchPages(route.page);

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
      <RunNotifications host={info.data?.host} />
      <TopBar info={info.data} />
      <SideNav current={route.page} version={info.data?.version ?? null} />
      <main className="main" id="main" tabIndex={-1}>
        {status === 'reconnecting' && (
          <div className="banner" role="status" data-testid="reconnecting-banner">
            <span className="spinner" aria-hidden="true" />
            The connection to the QuantMini host was lost. Reconnecting — what you see may be out of date.
          </div>
        )}
        {info.data?.lakeChoiceNeeded ? (
          <FirstRunLake desktop={info.data.host === 'electron'} />
        ) : (
          <ErrorBoundary resetKey={route.page}>
            <Suspense fallback={<Loading label={`Opening ${label}…`} />}>
              <Page route={route} />
            </Suspense>
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}
