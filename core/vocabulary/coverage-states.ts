/**
 * The coverage vocabulary: every (dataset, layer, trading day) is in exactly one of these states.
 * The heatmap, the gap list, status counts and the CLI all use these words.
 */
export const COVERAGE_STATES = [
  'complete',
  'degraded',
  'missing',
  'pending',
  'not_entitled',
  'failed',
  'running',
  'stale',
  'non_trading',
  'out_of_range',
] as const;

export type CoverageState = (typeof COVERAGE_STATES)[number];

/** States that count as a gap (anything that should be, but is not, complete). */
export function isGapState(state: CoverageState): boolean {
  return state !== 'complete' && state !== 'non_trading' && state !== 'out_of_range';
}
