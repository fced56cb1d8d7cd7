/**
 * The words of the engine, shared by the runtime, the journal, the CLI and the UI contract: what a
 * job is, how it ends, how a run ends. The contract maps these to its own words in one checked
 * table where they differ (core/contract/contract-views.ts).
 */

/**
 * A job kind's name ("download", "ingest", "rest-fetch", ...). Job kinds are plugins registered
 * with the engine (core/runtime/job-kinds.ts), so the set is open: a new layer adds its own
 * without the planner, the supervisor or the contract changing.
 */
export type JobKind = string;

/** The slot pool a job kind takes: network-bound fetches, or CPU- and memory-heavy builds. */
export type JobResource = 'network' | 'compute';

/**
 * How a job attempt ended, in the coverage vocabulary where it applies. `skipped` means there was
 * nothing to do (already present, or a prerequisite did not produce its input).
 */
export const JOB_OUTCOMES = ['complete', 'degraded', 'skipped', 'pending', 'missing', 'not_entitled', 'failed', 'cancelled'] as const;

/** The end of a job. */
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/** Every state a job can be in during a run. */
export type JobState = 'queued' | 'running' | JobOutcome;

/** Outcomes that are final without a retry: the same attempt would get the same answer. */
export const FINAL_WITHOUT_RETRY: ReadonlySet<JobOutcome> = new Set(['complete', 'degraded', 'skipped', 'pending', 'missing', 'not_entitled', 'cancelled']);

/** Outcomes after which a dependent job can run (its input exists). */
export const PRODUCES_INPUT: ReadonlySet<JobOutcome> = new Set(['complete', 'degraded', 'skipped']);

/** How a finished run ended (as the supervisor decides it). */
export type RunEnd = 'complete' | 'failed' | 'cancelled';

/** A run as its journal tells it: finished, still going, or cut off (its process died). */
export type RunState = RunEnd | 'running' | 'interrupted';
