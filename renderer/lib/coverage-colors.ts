/**
 * One colour per coverage state, shared by the canvas, the DOM cells, the legend and the badges so
 * they can never disagree. Chosen for contrast on the light theme and to stay distinguishable for
 * the common colour-vision deficiencies (red/green pairs differ in lightness too).
 */
import type { CoverageState } from '../../core/vocabulary/coverage-states.ts';

export const STATE_COLORS: Readonly<Record<CoverageState, string>> = {
  complete: '#2f9e44',
  degraded: '#f59f00',
  missing: '#e03131',
  pending: '#a5d8ff',
  not_entitled: '#9c88d9',
  failed: '#7b1e1e',
  running: '#1c7ed6',
  stale: '#e8590c',
  non_trading: '#f1f3f5',
  out_of_range: '#ffffff',
};

/** Short description of each state, for the legend and tooltips. */
export const STATE_DESCRIPTIONS: Readonly<Record<CoverageState, string>> = {
  complete: 'Present and validated',
  degraded: 'Present, with rejected or suspicious rows',
  missing: 'Should exist but does not',
  pending: 'Not yet published upstream',
  not_entitled: 'Your plan does not include it',
  failed: 'The last attempt failed',
  running: 'Being fetched right now',
  stale: 'Built, but an input changed since (or an older builder)',
  non_trading: 'Weekend or NYSE holiday',
  out_of_range: 'Before the dataset’s history',
};

/** Legend order: the states a person acts on first. */
export const LEGEND_ORDER: readonly CoverageState[] = [
  'complete',
  'degraded',
  'missing',
  'failed',
  'pending',
  'not_entitled',
  'running',
  'out_of_range',
];
