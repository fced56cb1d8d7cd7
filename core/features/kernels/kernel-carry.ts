/**
 * A running kernel's state carried between evaluations, so a later build resumes exactly where an
 * earlier one stopped. pandas' rolling sums, Welford variance, Qlib's regressions and EWM carry
 * float64 state from the series start; restoring that state bit for bit (instead of recomputing
 * from a shorter history) is what makes an incremental build equal a full one.
 */
export interface KernelCarry {
  /** The state to resume from (null: start at the series start as usual). */
  state: Float64Array | null;
  /** First row computed from `state` (the row after the one the state was saved at). */
  from: number;
  /** Row after which to save the state (-1: none). */
  saveAt: number;
  /** Set by the kernel: the state after row `saveAt` (null when the kernel never reached it). */
  saved: Float64Array | null;
}

/** The row a kernel starts at: the series start, or the resume row when a state is carried in. */
export function startRow(lo: number, carry: KernelCarry | undefined): number {
  return carry?.state ? carry.from : lo;
}
