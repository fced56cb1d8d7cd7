/** Small status pills: a generic Badge plus typed ones for job states, run outcomes and coverage states. */
import type { ReactNode } from 'react';
import type { JobState, RunOutcome } from '../../core/contract/contract-views.ts';
import type { PaletteState } from '../lib/coverage-colors.ts';
import { humanize } from '../lib/format.ts';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'purple' | 'running';

/** A pill with an optional leading dot. */
export function Badge({ tone = 'neutral', dot = true, children, testId }: { tone?: Tone; dot?: boolean; children: ReactNode; testId?: string }) {
  return (
    <span className="badge" data-tone={tone} data-testid={testId}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

const JOB_TONES: Record<JobState, Tone> = {
  queued: 'neutral',
  running: 'running',
  complete: 'success',
  skipped: 'neutral',
  degraded: 'warning',
  pending: 'info',
  missing: 'danger',
  not_entitled: 'purple',
  failed: 'danger',
  crashed: 'danger',
  cancelled: 'neutral',
};

/** A job's state. */
export function JobStateBadge({ state }: { state: JobState }) {
  return (
    <Badge tone={JOB_TONES[state]} testId="job-state">
      {humanize(state)}
    </Badge>
  );
}

const OUTCOME_TONES: Record<RunOutcome, Tone> = {
  running: 'running',
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  cancelled: 'neutral',
  interrupted: 'warning',
};

/** A run's outcome. */
export function OutcomeBadge({ outcome }: { outcome: RunOutcome }) {
  return (
    <Badge tone={OUTCOME_TONES[outcome]} testId="run-outcome">
      {humanize(outcome)}
    </Badge>
  );
}

const COVERAGE_TONES: Record<PaletteState, Tone> = {
  complete: 'success',
  stale: 'warning',
  degraded: 'warning',
  missing: 'danger',
  pending: 'info',
  not_entitled: 'purple',
  failed: 'danger',
  running: 'running',
  non_trading: 'neutral',
  out_of_range: 'neutral',
};

/** A coverage state. */
export function CoverageStateBadge({ state }: { state: PaletteState }) {
  return <Badge tone={COVERAGE_TONES[state]}>{humanize(state)}</Badge>;
}
