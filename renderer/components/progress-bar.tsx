/** An accessible progress bar; indeterminate (striped) when the total is unknown. */

export interface ProgressBarProps {
  /** Done so far; null when nothing is known yet. */
  value: number | null;
  /** Total; null or 0 makes the bar indeterminate. */
  max: number | null;
  label: string;
  state?: string;
  testId?: string;
}

/** Renders role="progressbar" with aria-valuenow as a percentage (0-100). */
export function ProgressBar({ value, max, label, state, testId }: ProgressBarProps) {
  const determinate = value !== null && max !== null && max > 0;
  const done = state === 'complete' || state === 'skipped';
  const percent = done ? 100 : determinate ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  const indeterminate = !done && !determinate && state === 'running';
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : Math.round(percent)}
      aria-valuetext={indeterminate ? 'In progress' : `${Math.round(percent)}%`}
      data-state={state}
      data-indeterminate={indeterminate}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ transform: `scaleX(${indeterminate ? 1 : percent / 100})` }} />
    </div>
  );
}
