/**
 * Symbol: find an instrument by any ticker it traded under or by name (the point-in-time
 * universe, delisted names included), then its close (raw or adjusted) and volume with split,
 * dividend and ticker-change markers, and below the chart its timeline of actions and identifiers.
 * `#/symbol/<instrumentId>` opens one directly; `#/symbol/find/<ticker>` searches for a symbol (the
 * Gold panel's findings, which know Qlib codes only, link there).
 */
import { keepPreviousData } from '@tanstack/react-query';
import { lazy, memo, Suspense, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { SymbolView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import type { Route } from '../../app/hash-route.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { runWhenIdle } from '../../lib/idle-queue.ts';
import { formatCount, formatDuration, formatTradingDate, humanize, NONE } from '../../lib/format.ts';
import type { PriceMode } from '../../lib/symbol-chart-series.ts';
import { FeatureOverlayPicker, type OverlayChoice } from './feature-overlay-picker.tsx';
import { OptionsChainCard } from './options-chain-card.tsx';

// The chart is its own chunk, so the app (and this page's search) load without it; the page fetches
// and evaluates that chunk in its first idle period, before an instrument is chosen.
const loadPriceChart = () => import('./price-chart.tsx');
const PriceChart = lazy(loadPriceChart);

function SymbolSearch({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  // The lake scans the universe per query: a deferred value keeps typing smooth.
  const query = useDeferredValue(text.trim());
  const results = useContractQuery(
    'symbol.search',
    { query, limit: 12 },
    { enabled: query.length > 0, placeholderData: keepPreviousData, staleTime: 60_000 },
  );
  return (
    <div className="stack symbol-search">
      <label className="stack" style={{ gap: 4 }}>
        <span className="field-label">Ticker or name</span>
        <input
          className="input"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. SPY"
          autoComplete="off"
          data-testid="symbol-search"
        />
      </label>
      {results.isError && <ErrorNotice error={results.error} title="The search failed" />}
      {query && results.data && results.data.length === 0 && (
        <p className="muted">No instrument in the lake&apos;s universe matches “{query}”.</p>
      )}
      {query && results.data && results.data.length > 0 && (
        <ul className="symbol-results" aria-label="Matching instruments" data-testid="symbol-results">
          {results.data.map((m) => (
            <li key={m.instrumentId}>
              <a
                href={hrefFor('symbol', m.instrumentId)}
                data-testid={`symbol-result-${m.matchedTicker}`}
                data-first={m.firstDate}
                data-last={m.lastDate}
              >
                <strong>{m.ticker}</strong>
                {m.matchedTicker !== m.ticker && <span className="muted"> (was {m.matchedTicker})</span>}
                <span className="muted"> · {m.name ?? 'name not known'}</span>
                <span className="muted">
                  {' '}
                  · {formatTradingDate(m.firstDate)} –{' '}
                  {m.delistedDate ? `delisted ${formatTradingDate(m.delistedDate)}` : formatTradingDate(m.lastDate)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// Memoised: the symbol's data is one cached object, so the raw/adjusted toggle does not rebuild the timeline.
const Timeline = memo(function Timeline({ symbol }: { symbol: SymbolView }) {
  const id = symbol.identifiers;
  return (
    <div className="symbol-bottom">
      <Card title="Corporate actions and identifiers" headingId="timeline-heading" testId="symbol-timeline" flush>
        {symbol.events.length === 0 ? (
          <EmptyState title="No actions in the lake for this instrument." />
        ) : (
          <table className="table" aria-labelledby="timeline-heading">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Event</th>
                <th scope="col">Ticker</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {symbol.events.map((e, i) => (
                <tr key={`${e.date}-${e.kind}-${i}`} data-testid={`timeline-${e.kind}-${e.date}`}>
                  <td>{formatTradingDate(e.date)}</td>
                  <td>{e.title}</td>
                  <td>{e.ticker}</td>
                  <td>{e.detail ?? NONE}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Identifiers" headingId="identifiers-heading" testId="symbol-identifiers">
        <dl className="kv">
          <dt>Instrument id</dt>
          <dd className="mono">{symbol.instrumentId}</dd>
          <dt>Composite FIGI</dt>
          <dd className="mono">{id.compositeFigi ?? NONE}</dd>
          <dt>Share-class FIGI</dt>
          <dd className="mono">{id.shareClassFigi ?? NONE}</dd>
          <dt>CIK</dt>
          <dd className="mono">{id.cik ?? NONE}</dd>
          <dt>Exchange</dt>
          <dd>{id.primaryExchange ?? NONE}</dd>
          <dt>Type</dt>
          <dd>{id.type ?? NONE}</dd>
          <dt>Tickers</dt>
          <dd>{symbol.tickers.map((t) => `${t.ticker} (${formatTradingDate(t.from)} – ${formatTradingDate(t.to)})`).join(', ')}</dd>
        </dl>
      </Card>
    </div>
  );
});

function SymbolDetail({ instrumentId }: { instrumentId: string }) {
  const [mode, setMode] = useState<PriceMode>('adjusted');
  // The toggle's buttons and legend follow `mode` at once; the chart follows the deferred value, in a
  // render React may yield in, so the click's own task stays short (only the close path is recomputed).
  const chartMode = useDeferredValue(mode);
  const [choice, setChoice] = useState<OverlayChoice | null>(null);
  const symbol = useContractQuery('symbol.get', { instrumentId }, { staleTime: 30_000 });
  const feature = useContractQuery(
    'symbol.feature',
    { instrumentId, set: choice?.set ?? 'none', version: choice?.version ?? '0.0.0', feature: choice?.feature || 'none' },
    { enabled: !!choice?.feature, staleTime: 60_000 },
  );
  const overlay = useMemo(
    () => (choice?.feature && feature.data ? { label: `${choice.feature} (${choice.set}@${choice.version})`, points: feature.data.points } : null),
    [choice, feature.data],
  );
  if (symbol.isPending) return <Loading label="Reading the instrument…" />;
  if (symbol.isError) return <ErrorNotice error={symbol.error} title="The instrument could not be read" />;
  const s = symbol.data;
  const counts = s.events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {});
  const actions = Object.entries(counts).map(([k, n]) => `${n} ${humanize(k).toLowerCase()}`).join(', ') || 'no actions';
  const span = s.bars.length ? `${s.bars[0]!.date} to ${s.bars[s.bars.length - 1]!.date}` : '';
  return (
    <>
      <Card
        title={`${s.ticker}${s.name ? ` · ${s.name}` : ''}`}
        headingId="chart-heading"
        testId="symbol-chart-card"
        description={`${formatCount(s.bars.length)} trading days · ${actions} · read in ${formatDuration(s.elapsedMs)}`}
        actions={
          <div className="segmented" role="radiogroup" aria-label="Price">
            {(['adjusted', 'raw'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} onClick={() => setMode(m)} data-testid={`price-${m}`}>
                {m === 'adjusted' ? 'Adjusted close' : 'Raw close'}
              </button>
            ))}
          </div>
        }
      >
        {s.bars.length === 0 ? (
          <EmptyState title="No adjusted bars for this instrument yet.">
            Build silver&apos;s adjusted daily bars (Update today does) to chart it.
          </EmptyState>
        ) : (
          <Suspense fallback={<Loading label="Loading the chart…" />}>
            <PriceChart
              bars={s.bars}
              events={s.events}
              mode={chartMode}
              overlay={overlay}
              label={`${chartMode === 'adjusted' ? 'Adjusted' : 'Raw'} close and volume of ${s.ticker} from ${span}${overlay ? `, with ${overlay.label}` : ''}`}
            />
          </Suspense>
        )}
        <p className="muted chart-legend">
          <span className="legend-line" aria-hidden="true" />{' '}
          {mode === 'adjusted' ? 'Adjusted close (splits and dividends, backward from the last day)' : 'Raw close as traded'} ·{' '}
          <span className="legend-bar" aria-hidden="true" /> volume · markers: S split, D dividend, T ticker change
          {overlay && (
            <>
              {' '}
              · <span className="legend-line legend-overlay" aria-hidden="true" /> {overlay.label}, right axis
            </>
          )}
        </p>
        <FeatureOverlayPicker value={choice} onChange={setChoice} />
        {feature.isError && <ErrorNotice error={feature.error} title="The overlay could not be read" testId="overlay-error" />}
      </Card>
      <Timeline symbol={s} />
      <OptionsChainCard instrumentId={s.instrumentId} />
    </>
  );
}

/** The Symbol page. */
export function SymbolPage({ route }: { route: Route }) {
  // `#/symbol/find/<ticker>` opens the search with the ticker filled in (links that know only a symbol).
  const finding = route.params[0] === 'find';
  const instrumentId = finding ? null : (route.params[0] ?? null);
  const initial = finding ? (route.params[1] ?? '') : '';
  useEffect(() => runWhenIdle([loadPriceChart]), []);
  return (
    <div className="page symbol-page">
      <PageHeader title="Symbol" description="One instrument's prices, volume and corporate actions, from silver and REST data." />
      <Card title="Find an instrument" headingId="find-heading">
        <SymbolSearch key={initial} initial={initial} />
      </Card>
      {instrumentId ? (
        <SymbolDetail instrumentId={instrumentId} />
      ) : (
        <EmptyState title="No instrument chosen.">Search by ticker (old ones too) or by name.</EmptyState>
      )}
    </div>
  );
}
