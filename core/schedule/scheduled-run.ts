/**
 * One firing of the schedule: decide (trading day in New York, at or past the time, today's update
 * not yet done), then update through the host's runner, and record the outcome in the user state
 * folder. A firing that is not due returns at once without touching the lake or the history.
 */
import type { IsoDate } from '../calendar/index.ts';
import { scheduleDecision, type ScheduleDecision } from './schedule-decision.ts';
import { readScheduledRuns, recordScheduledRun, type ScheduledRunRecord } from './scheduled-runs.ts';

/** What the host's update reported. */
export interface ScheduledUpdateResult {
  outcome: ScheduledRunRecord['outcome'];
  runId: string | null;
  message: string;
}

/** Options of runScheduledUpdate. */
export interface ScheduledRunOptions {
  stateDir: string;
  /** The schedule time, HH:MM New York. */
  at: string;
  lakeRoot: string;
  now?: () => Date;
  /** Runs the update for the trading date the firing is for; throws or reports the outcome. */
  update: (date: IsoDate) => Promise<ScheduledUpdateResult>;
}

/** Decides and, when due, runs and records; returns the decision and the record written (null when not due). */
export async function runScheduledUpdate(opts: ScheduledRunOptions): Promise<{ decision: ScheduleDecision; record: ScheduledRunRecord | null }> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const decision = scheduleDecision(started, opts.at, readScheduledRuns(opts.stateDir));
  if (!decision.due) return { decision, record: null };
  let result: ScheduledUpdateResult;
  try {
    result = await opts.update(decision.date);
  } catch (err) {
    result = { outcome: 'failed', runId: null, message: err instanceof Error ? err.message : String(err) };
  }
  const record: ScheduledRunRecord = {
    date: decision.date,
    startedAt: started.toISOString(),
    finishedAt: now().toISOString(),
    outcome: result.outcome,
    message: result.message,
    runId: result.runId,
    lakeRoot: opts.lakeRoot,
  };
  await recordScheduledRun(opts.stateDir, record);
  return { decision, record };
}
