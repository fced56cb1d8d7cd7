/**
 * Feature sets: every set (installed with the app or built in the lake) and its built versions;
 * for one version its stats (null rate per feature as a chart, coverage by date), its expressions
 * highlighted, a diff against another version, the experiments log with editable notes, "Build
 * over a range", and its manifest with a checker that points at a bad expression.
 * `#/features/<name>/<version>` opens a version directly.
 *
 * The chart module is loaded lazily: the version's figures and table paint first, the chart follows
 * in its own chunk, so opening Alpha158 is not held up by 158 bars. The expressions table (Alpha158:
 * 158 highlighted rows, most of the page's layout objects) arrives in stages, a few dozen rows a
 * frame, so no single frame lays out all of it.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { FeatureSetSummaryView, FeatureSetVersionView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import type { Route } from '../../app/hash-route.ts';
import { hrefFor, navigate } from '../../app/hash-route.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { afterNextPaint } from '../../lib/after-paint.ts';
import { formatCount, formatInstant, formatPercent, formatTradingDate, NONE, plural } from '../../lib/format.ts';
import { nullRateBoxHeight } from '../../lib/null-rate-geometry.ts';
import { BuildRangeCard } from './build-range-card.tsx';
import { CoverageStrip } from './coverage-strip.tsx';
import { ExperimentsCard } from './experiments-card.tsx';
import { Expression } from './expression.tsx';
import { ManifestCheckCard } from './manifest-check-card.tsx';
import { VersionDiffCard } from './version-diff-card.tsx';
import './feature-sets.css';

const NullRateChart = lazy(() => import('./null-rate-chart.tsx').then((m) => ({ default: m.NullRateChart })));

/** False until the frame after the first one painted: the chart then renders in a task of its own. */
function useAfterFirstPaint(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => afterNextPaint(() => setReady(true)), []);
  return ready;
}

/** Rows in the first frame of the expressions table, and rows added in each frame after it. */
const FIRST_ROWS = 24;
const MORE_ROWS = 32;

/**
 * How many of `total` rows to render: FIRST_ROWS at once, then MORE_ROWS more after each paint, so
 * a 158-row table is laid out over a few short frames rather than one long one (the table's rows
 * were most of the page's layout objects and kept the first frame over the 50 ms task budget).
 */
function useRowsInStages(total: number): number {
  const [shown, setShown] = useState(() => Math.min(total, FIRST_ROWS));
  useEffect(() => {
    if (shown >= total) return undefined;
    return afterNextPaint(() => setShown((n) => Math.min(total, n + MORE_ROWS)));
  }, [shown, total]);
  return Math.min(shown, total);
}

type FeatureStats = NonNullable<FeatureSetVersionView['stats']>['features'][number];

function ExpressionsCard({ view, byName }: { view: FeatureSetVersionView; byName: ReadonlyMap<string, FeatureStats> }) {
  const shown = useRowsInStages(view.expressions.length);
  return (
    <Card title="Expressions" headingId="expressions-heading" testId="feature-expressions" flush>
      <div className="expressions-scroll" aria-busy={shown < view.expressions.length}>
        <table className="table expressions-table" aria-labelledby="expressions-heading">
          <colgroup>
            <col className="col-name" />
            <col />
            <col className="col-figure" />
            <col className="col-figure" />
            <col className="col-figure" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Expression</th>
              <th scope="col" className="num">Null rate</th>
              <th scope="col" className="num">Min</th>
              <th scope="col" className="num">Max</th>
            </tr>
          </thead>
          <tbody>
            {view.expressions.slice(0, shown).map((e) => {
              const s = byName.get(e.name);
              return (
                <tr key={e.name} data-testid={`expression-${e.name}`}>
                  <td className="mono">{e.name}</td>
                  <td>
                    <Expression text={e.expression} />
                  </td>
                  <td className="num">{s ? formatPercent(s.nullRate * 100) : NONE}</td>
                  <td className="num">{s?.min === null || s?.min === undefined ? NONE : s.min.toPrecision(4)}</td>
                  <td className="num">{s?.max === null || s?.max === undefined ? NONE : s.max.toPrecision(4)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function Coverage({ name, version }: { name: string; version: string }) {
  const c = useContractQuery('featureSets.coverage', { name, version }, { staleTime: 60_000 });
  if (c.isPending) return <Loading label="Reading the days…" />;
  if (c.isError) return <ErrorNotice error={c.error} title="The coverage could not be read" />;
  return c.data.days.length ? <CoverageStrip coverage={c.data} /> : <EmptyState title="No day of this version is built." />;
}

function SetList({ sets, name, version }: { sets: FeatureSetSummaryView[]; name: string | null; version: string | null }) {
  return (
    <ul className="set-list" aria-label="Feature sets and versions" data-testid="feature-set-list">
      {sets.map((s) => (
        <li key={s.name}>
          <div style={{ padding: '8px 12px 4px' }}>
            <strong>{s.name}</strong>{' '}
            <span className="muted">
              · {plural(s.features, 'feature')}
              {s.installedVersion ? ` · installed ${s.installedVersion}` : ''}
            </span>
          </div>
          {s.versions.length === 0 ? (
            <p className="muted" style={{ padding: '0 12px 8px', margin: 0, fontSize: 'var(--text-s)' }}>Not built in this lake yet.</p>
          ) : (
            <ul className="set-list">
              {s.versions.map((v) => (
                <li key={v.version}>
                  <button
                    type="button"
                    aria-pressed={s.name === name && v.version === version}
                    onClick={() => navigate('features', s.name, v.version)}
                    data-testid={`feature-version-${s.name}-${v.version}`}
                  >
                    v{v.version}
                    <span className="muted">
                      {' '}
                      · {v.from && v.to ? `${formatTradingDate(v.from)} – ${formatTradingDate(v.to)}` : 'no stats'} ·{' '}
                      {v.rows === null ? NONE : `${formatCount(v.rows)} rows`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function VersionDetail({ view, set }: { view: FeatureSetVersionView; set: FeatureSetSummaryView | undefined }) {
  const stats = view.stats;
  const byName = new Map(stats?.features.map((f) => [f.name, f]) ?? []);
  const chartReady = useAfterFirstPaint();
  return (
    <div className="stack" data-testid="feature-version">
      <Card title={`${view.name} v${view.version}`} headingId="version-heading" description={view.description}>
        <dl className="kv">
          <dt>Built</dt>
          <dd>{formatInstant(view.createdAt)}</dd>
          <dt>Content hash</dt>
          <dd className="mono">{view.contentHash}</dd>
          <dt>Parent version</dt>
          <dd>{view.parentVersion ?? NONE}</dd>
          <dt>Days</dt>
          <dd data-testid="version-days">
            {stats ? `${formatCount(stats.partitions)} (${formatTradingDate(stats.from)} – ${formatTradingDate(stats.to)})` : NONE}
          </dd>
          <dt>Rows</dt>
          <dd data-testid="version-rows">{stats ? `${formatCount(stats.rows)} · ${plural(stats.instruments, 'instrument')}` : NONE}</dd>
        </dl>
      </Card>
      <Card
        title="Null rate per feature"
        headingId="null-rate-heading"
        description="Share of rows without a value: rolling windows warming up, instruments too young for them."
        testId="null-rate-card"
      >
        {stats ? (
          // The placeholder holds the chart's height, so nothing below moves when it arrives.
          <div style={{ minHeight: nullRateBoxHeight(stats.features.length) }}>
            <Suspense fallback={<Loading label="Drawing the chart…" />}>
              {chartReady ? <NullRateChart features={stats.features} /> : <Loading label="Drawing the chart…" />}
            </Suspense>
          </div>
        ) : (
          <EmptyState title="No stats for this version yet." />
        )}
      </Card>
      <Card
        title="Coverage by date"
        headingId="coverage-heading"
        description="Every NYSE trading day of the version's range: built or missing."
        testId="coverage-card"
      >
        <Coverage name={view.name} version={view.version} />
      </Card>
      <ExpressionsCard view={view} byName={byName} />
      <VersionDiffCard name={view.name} version={view.version} versions={set?.versions.map((v) => v.version) ?? [view.version]} />
      <ExperimentsCard name={view.name} />
      <BuildRangeCard
        name={view.name}
        installed={set?.installedVersion ?? null}
        initial={{ from: stats?.from ?? view.createdAt.slice(0, 10), to: stats?.to ?? view.createdAt.slice(0, 10) }}
      />
      <ManifestCheckCard key={`${view.name}@${view.version}`} manifestText={view.manifestText} />
    </div>
  );
}

function Version({ name, version, set }: { name: string; version: string; set: FeatureSetSummaryView | undefined }) {
  const v = useContractQuery('featureSets.get', { name, version }, { staleTime: 60_000 });
  if (v.isPending) return <Loading label="Reading the version…" />;
  if (v.isError) return <ErrorNotice error={v.error} title={`${name}@${version} could not be read`} />;
  return <VersionDetail view={v.data} set={set} />;
}

/** The Feature sets page. */
export function FeatureSetsPage({ route }: { route: Route }) {
  const sets = useContractQuery('featureSets.list', {}, { staleTime: 30_000 });
  const [name = null, version = null] = route.params;
  // Asked at once, beside the list, not after it arrives: the version is what the page opens on.
  useContractQuery('featureSets.get', { name: name ?? '', version: version ?? '' }, { staleTime: 60_000, enabled: !!(name && version) });
  return (
    <div className="page feature-sets-page">
      <PageHeader title="Feature sets" description="Versioned feature sets built from gold: manifests, expressions and stats." />
      {sets.isPending && <Loading label="Reading feature sets…" />}
      {sets.isError && <ErrorNotice error={sets.error} title="The feature sets could not be read" />}
      {sets.data && (
        <div className="feature-sets-layout">
          <Card title="Sets" headingId="sets-heading" flush>
            <SetList sets={sets.data} name={name} version={version} />
          </Card>
          {name && version ? (
            <Version name={name} version={version} set={sets.data.find((s) => s.name === name)} />
          ) : (
            <EmptyState title="No version chosen.">
              Pick a built version on the left
              {sets.data.some((s) => s.versions.length) ? '' : ' (none is built yet: Update today builds the enabled sets)'}.{' '}
              <a href={hrefFor('coverage')}>Coverage</a> shows which days each set has.
            </EmptyState>
          )}
        </div>
      )}
    </div>
  );
}
