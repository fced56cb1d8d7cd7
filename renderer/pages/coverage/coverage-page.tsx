/**
 * Coverage: every dataset x trading day in the coverage vocabulary, over a chosen range and layer.
 * Select cells (click, shift-click, drag, keyboard or the gap list) to see a backfill estimate and
 * start it; cells repaint live from `coverage.changed`. Marks `coverage:render:start` when the
 * request goes out, `coverage:response` when the answer arrives and `coverage:render:end` once the
 * canvas is drawn; the whole span is measured as `coverage:render`.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { CoverageView } from '../../../core/contract/contract-views.ts';
import { useApi } from '../../api/api-provider.tsx';
import type { ContractFailure } from '../../api/contract-client.ts';
import { contractKey } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { buildCoverageGrid, gapRuns, gridCounts } from '../../lib/coverage-grid.ts';
import type { GapRun } from '../../lib/coverage-grid.ts';
import { presetRange, RANGE_PRESETS, todayInNewYork } from '../../lib/date-range.ts';
import type { RangePresetId } from '../../lib/date-range.ts';
import { formatDateRange, formatDuration } from '../../lib/format.ts';
import { holdIdleWork } from '../../lib/idle-queue.ts';
import { clampSelection, spanSelection } from '../../lib/heatmap-selection.ts';
import type { CellSpan, HeatmapSelection } from '../../lib/heatmap-selection.ts';
import { GapList } from './gap-list.tsx';
import { Heatmap } from './heatmap.tsx';
import { Legend } from './legend.tsx';
import { SelectionPanel } from './selection-panel.tsx';

type Layer = CoverageView['layer'];
const GAP_LIMIT = 300;

// Set when a coverage request goes out; cleared when the canvas for its answer has been drawn.
let measuring = false;
// Background chunk prefetching waits while an answer is awaited and drawn, so evaluating a chunk
// never lands between the answer and its heatmap.
let releaseIdle: (() => void) | null = null;

function endIdleHold(): void {
  releaseIdle?.();
  releaseIdle = null;
}

function markDrawn(): void {
  endIdleHold();
  if (!measuring) return;
  measuring = false;
  performance.mark('coverage:render:end');
  try {
    performance.measure('coverage:render', 'coverage:render:start', 'coverage:render:end');
  } catch {
    // A missing start mark (cleared by someone else) only loses this one measurement.
  }
}

function CustomRange({ from, to, onApply }: { from: string; to: string; onApply: (from: string, to: string) => void }) {
  const [a, setA] = useState(from);
  const [b, setB] = useState(to);
  const invalid = !a || !b || a > b;
  return (
    <form
      className="row custom-range"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) onApply(a, b);
      }}
    >
      <label className="row" style={{ gap: 6 }}>
        <span className="field-label">From</span>
        <input type="date" className="input" value={a} max={b} onChange={(e) => setA(e.target.value)} data-testid="range-from" />
      </label>
      <label className="row" style={{ gap: 6 }}>
        <span className="field-label">To</span>
        <input type="date" className="input" value={b} min={a} onChange={(e) => setB(e.target.value)} data-testid="range-to" />
      </label>
      <button type="submit" className="btn btn-small" disabled={invalid} data-testid="range-apply">
        Apply
      </button>
    </form>
  );
}

/** The layer switch's labels: silver holds the adjusted bars and the feature sets, gold the Qlib directory. */
const LAYER_LABELS: Record<Layer, string> = {
  bronze: 'Bronze (Parquet)',
  landing: 'Landing (raw files)',
  silver: 'Silver (adjusted, features)',
  gold: 'Gold (Qlib)',
};

/** The Coverage page. */
export function CoveragePage() {
  const api = useApi();
  const title = useDatasetTitles();
  const [layer, setLayer] = useState<Layer>('bronze');
  const [preset, setPreset] = useState<RangePresetId | 'custom'>('1m');
  const [range, setRange] = useState(() => presetRange('1m', todayInNewYork()));
  const [anchor, setAnchor] = useState<CellSpan | null>(null);
  const [rawSelection, setSelection] = useState<HeatmapSelection | null>(null);
  const [startedRun, setStartedRun] = useState<string | null>(null);

  const input = { layer, from: range.from, to: range.to };
  const coverage = useQuery<CoverageView, ContractFailure>({
    queryKey: contractKey('lake.coverage', input),
    queryFn: () => {
      measuring = true;
      endIdleHold();
      releaseIdle = holdIdleWork();
      performance.mark('coverage:render:start');
      // coverage:response splits the measurement into the host's share and the renderer's.
      return api.invoke('lake.coverage', input).then(
        (view) => {
          performance.mark('coverage:response');
          return view;
        },
        (error: unknown) => {
          endIdleHold();
          throw error;
        },
      );
    },
    placeholderData: keepPreviousData,
  });

  const grid = useMemo(() => (coverage.data ? buildCoverageGrid(coverage.data) : null), [coverage.data]);
  // The heatmap is drawn first, in the render that receives the answer; the legend counts and the
  // gap list (thousands of runs, hundreds of list items) follow in a deferred render right after,
  // so they never hold back the canvas.
  const summaryGrid = useDeferredValue(grid);
  const gaps = useMemo(() => (summaryGrid ? gapRuns(summaryGrid, GAP_LIMIT) : { runs: [], total: 0 }), [summaryGrid]);
  const counts = useMemo(() => (summaryGrid ? gridCounts(summaryGrid) : {}), [summaryGrid]);
  const selection = useMemo(() => (grid ? clampSelection(rawSelection, grid) : null), [rawSelection, grid]);

  const clear = useCallback(() => {
    setAnchor(null);
    setSelection(null);
  }, []);
  const pick = useCallback(
    (cell: CellSpan, extend: boolean) => {
      const from = extend && anchor ? anchor : cell;
      if (!extend || !anchor) setAnchor(cell);
      setSelection(spanSelection(from, cell));
    },
    [anchor],
  );
  const selectGap = useCallback((run: GapRun) => {
    const span = { row: run.row, dayStart: run.dayStart, dayEnd: run.dayEnd };
    setAnchor(span);
    setSelection(spanSelection(span, span));
  }, []);
  const changeRange = (next: { from: string; to: string }) => {
    setRange(next);
    clear();
  };

  return (
    <div className="page coverage-page">
      <PageHeader title="Coverage" description="Every dataset by trading day. Select days to see what a backfill would fetch, then start it." />
      <Card
        title="Heatmap"
        headingId="heatmap-heading"
        testId="coverage-card"
        description={
          coverage.data
            ? `${formatDateRange(coverage.data.from, coverage.data.to)} · one column per NYSE trading day; ` +
              `weekends and holidays are not drawn · answered in ${formatDuration(coverage.data.elapsedMs)}`
            : 'One column per NYSE trading day'
        }
      >
        <div className="stack">
          <div className="row coverage-controls">
            <div className="segmented" role="radiogroup" aria-label="Layer">
              {(['bronze', 'landing', 'silver', 'gold'] as const).map((l) => (
                <button
                  key={l}
                  type="button"
                  role="radio"
                  aria-checked={layer === l}
                  onClick={() => {
                    setLayer(l);
                    clear();
                  }}
                  data-testid={`layer-${l}`}
                >
                  {LAYER_LABELS[l]}
                </button>
              ))}
            </div>
            <div className="segmented" role="radiogroup" aria-label="Range">
              {RANGE_PRESETS.map((p) => (
                <button
                  key={p.id}
                  type="button"
                  role="radio"
                  aria-checked={preset === p.id}
                  onClick={() => {
                    setPreset(p.id);
                    changeRange(presetRange(p.id, todayInNewYork()));
                  }}
                  data-testid={`range-${p.id}`}
                >
                  {p.label}
                </button>
              ))}
              <button type="button" role="radio" aria-checked={preset === 'custom'} onClick={() => setPreset('custom')} data-testid="range-custom">
                Custom
              </button>
            </div>
            {coverage.isFetching && grid && <span className="spinner" aria-label="Refreshing" />}
          </div>
          {preset === 'custom' && <CustomRange from={range.from} to={range.to} onApply={(from, to) => changeRange({ from, to })} />}
          <Legend counts={counts} />
          {coverage.isError && <ErrorNotice error={coverage.error} title="Coverage could not be read" />}
          {coverage.isPending && <Loading label="Reading coverage…" />}
          {grid && grid.datasets.length === 0 && <EmptyState title="No datasets are enabled.">Choose datasets in Settings to see their coverage.</EmptyState>}
          {grid && grid.datasets.length > 0 && grid.days.length === 0 && <EmptyState title="There are no trading days in this range.">Choose a longer range.</EmptyState>}
          {grid && grid.datasets.length > 0 && grid.days.length > 0 && <Heatmap grid={grid} title={title} selection={selection} onPick={pick} onClear={clear} onDrawn={markDrawn} />}
        </div>
      </Card>
      {startedRun && (
        <div className="notice" data-tone="info" role="status" data-testid="backfill-started">
          Backfill started; cells turn blue while they are fetched.&nbsp;<a href={hrefFor('runs', startedRun)}>Follow it in Runs</a>
        </div>
      )}
      <div className="coverage-bottom">
        <Card title="Gaps" headingId="gaps-heading" testId="coverage-gaps">
          {summaryGrid && <GapList runs={gaps.runs} total={gaps.total} title={title} onSelect={selectGap} selection={summaryGrid === grid ? selection : null} />}
        </Card>
        <Card testId="selection-card">
          {grid && selection ? (
            <SelectionPanel
              grid={grid}
              selection={selection}
              title={title}
              onClear={clear}
              onStarted={(runId) => {
                setStartedRun(runId);
                clear();
              }}
            />
          ) : (
            <EmptyState title="Nothing selected." testId="selection-empty">
              Click a cell, shift-click or drag to select a range, or press Enter on a gap.
            </EmptyState>
          )}
        </Card>
      </div>
    </div>
  );
}
