import { describe, expect, it } from 'vitest';
import { deriveState, gapsOf, watermarkOf, type CoverageCell, type DatasetCoverage, type DayEvidence } from '../../../core/lake/coverage.ts';
import { COVERAGE_STATES, type CoverageState } from '../../../core/vocabulary/coverage-states.ts';

const base: DayEvidence = {
  date: '2024-03-05',
  firstDate: '2003-09-10',
  latestPublished: '2024-03-28',
  running: false,
  record: null,
  fileExists: false,
};
const rec = (status: NonNullable<DayEvidence['record']>['status'], lastError: string | null = null) => ({ status, rows: 10, bytes: 100, lastError });

describe('coverage state of a trading day', () => {
  it('no record and no file is missing', () => {
    expect(deriveState(base).state).toBe('missing');
  });
  it('a complete record with its file is complete; without its file it is missing', () => {
    expect(deriveState({ ...base, record: rec('complete'), fileExists: true }).state).toBe('complete');
    const gone = deriveState({ ...base, record: rec('complete'), fileExists: false });
    expect(gone.state).toBe('missing');
    expect(gone.lastError).toMatch(/file is gone/);
  });
  it('degraded stays degraded while its file exists', () => {
    expect(deriveState({ ...base, record: rec('degraded', '3 rows rejected'), fileExists: true })).toEqual({ state: 'degraded', lastError: '3 rows rejected' });
    expect(deriveState({ ...base, record: rec('degraded'), fileExists: false }).state).toBe('missing');
  });
  it('failed and not_entitled records keep their state and error', () => {
    expect(deriveState({ ...base, record: rec('failed', 'corrupt gzip') })).toEqual({ state: 'failed', lastError: 'corrupt gzip' });
    expect(deriveState({ ...base, record: rec('not_entitled', '403') }).state).toBe('not_entitled');
  });
  it('a day not yet published is pending unless it is already complete', () => {
    const late = { ...base, date: '2024-03-29', latestPublished: '2024-03-28' };
    expect(deriveState(late).state).toBe('pending');
    expect(deriveState({ ...late, record: rec('failed') }).state).toBe('pending');
    expect(deriveState({ ...late, record: rec('complete'), fileExists: true }).state).toBe('complete');
  });
  it('a pending record after publication is missing', () => {
    expect(deriveState({ ...base, record: rec('pending') }).state).toBe('missing');
  });
  it('days before the dataset history are out_of_range, running wins over records', () => {
    expect(deriveState({ ...base, date: '2003-09-09' }).state).toBe('out_of_range');
    expect(deriveState({ ...base, running: true, record: rec('failed') }).state).toBe('running');
  });
  it('layers without per-day files trust their records', () => {
    expect(deriveState({ ...base, record: rec('complete'), fileExists: null }).state).toBe('complete');
  });
});

function cells(states: Array<[string, CoverageState]>): CoverageCell[] {
  return states.map(([date, state]) => ({ date, state, rows: null, bytes: null, lastError: null }));
}

describe('watermark and gaps', () => {
  const c = cells([
    ['2024-03-01', 'out_of_range'],
    ['2024-03-02', 'non_trading'],
    ['2024-03-04', 'complete'],
    ['2024-03-05', 'complete'],
    ['2024-03-06', 'degraded'],
    ['2024-03-07', 'complete'],
    ['2024-03-08', 'missing'],
    ['2024-03-09', 'non_trading'],
    ['2024-03-11', 'pending'],
  ]);
  it('the watermark is the last date before the first trading day that is not complete', () => {
    expect(watermarkOf(c)).toBe('2024-03-05');
    expect(watermarkOf(cells([['2024-03-04', 'missing'], ['2024-03-05', 'complete']]))).toBeNull();
    expect(watermarkOf(cells([['2024-03-04', 'complete'], ['2024-03-09', 'non_trading']]))).toBe('2024-03-04');
  });
  it('gaps are every day that is not complete, non_trading or out_of_range', () => {
    const cov: DatasetCoverage = {
      dataset: 'stocks_daily', layer: 'bronze', from: '2024-03-01', to: '2024-03-11', cells: c,
      counts: Object.fromEntries(COVERAGE_STATES.map((s) => [s, 0])) as Record<CoverageState, number>, watermark: null,
    };
    expect(gapsOf(cov)).toEqual([
      { date: '2024-03-06', state: 'degraded' },
      { date: '2024-03-08', state: 'missing' },
      { date: '2024-03-11', state: 'pending' },
    ]);
  });
});
