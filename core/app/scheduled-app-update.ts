/**
 * A scheduled firing run by the app instead of the CLI: the packaged app has no Node to run
 * `quantmini schedule run` with (the RunAsNode fuse is off), so the app binary started with
 * `--scheduled-run` (or the open app, when the firing is handed to it) decides and updates through
 * its own backend: the same planner, supervisor and job processes as "Update today", and the same
 * history, outcomes and exit codes as the CLI's `schedule run`.
 */
import { dispatchRequest } from '../contract/dispatch.ts';
import type { RunSummaryView } from '../contract/contract-views.ts';
import { runScheduledUpdate, type ScheduledUpdateResult } from '../schedule/scheduled-run.ts';
import type { ScheduleDecision } from '../schedule/schedule-decision.ts';
import type { ScheduledRunRecord } from '../schedule/scheduled-runs.ts';
import type { AppBackend } from './app-backend.ts';

/**
 * Exit codes of a scheduled firing, equal to the CLI's: 0 done (or not due), 1 failed or refused,
 * 75 (EX_TEMPFAIL) when another writer holds the lake, which the systemd unit does not count as a failure.
 */
export const SCHEDULED_EXIT = { done: 0, failed: 1, tempfail: 75 } as const;

/** Options of runScheduledAppUpdate. */
export interface ScheduledAppUpdateOptions {
  backend: Pick<AppBackend, 'handlers' | 'events' | 'secrets'>;
  stateDir: string;
  /** schedule.at, HH:MM New York. */
  at: string;
  lakeRoot: string;
  now?: () => Date;
  /** How often to look for a run that ended without its `run.finished` event (default 2 s). */
  pollMs?: number;
}

/** What a firing did: the decision, the history record (null when not due) and the exit code. */
export interface ScheduledAppUpdateResult {
  decision: ScheduleDecision;
  record: ScheduledRunRecord | null;
  exitCode: number;
}

/** The scheduled outcome of a finished app run: only a run with nothing failed or partial counts as complete. */
function outcomeOf(run: Pick<RunSummaryView, 'outcome' | 'counts' | 'error'>): ScheduledUpdateResult['outcome'] {
  if (run.outcome === 'succeeded' && !run.counts.missing) return 'complete';
  return run.outcome === 'cancelled' ? 'cancelled' : 'failed';
}

function messageOf(run: Pick<RunSummaryView, 'outcome' | 'counts' | 'error'>): string {
  const jobs = Object.values(run.counts).reduce((a, b) => a + (b ?? 0), 0);
  return `${jobs} job(s), ${run.outcome}${run.error ? `: ${run.error}` : ''}`;
}

/** Decides and, when due, runs the update through the backend, records it and returns the CLI's exit code. */
export async function runScheduledAppUpdate(opts: ScheduledAppUpdateOptions): Promise<ScheduledAppUpdateResult> {
  const { backend } = opts;
  const call = async (name: 'runs.startUpdate' | 'runs.get' | 'runs.active', input: Record<string, unknown>) =>
    dispatchRequest(backend.handlers, name, input, { secrets: backend.secrets });
  let lockedOut = false;
  const update = async (): Promise<ScheduledUpdateResult> => {
    // Listen before starting: a run with nothing to do can finish before startUpdate returns its id.
    const finished = new Map<string, RunSummaryView>();
    const stop = backend.events.subscribe((e) => {
      if (e.name === 'run.finished') finished.set(e.payload.runId, e.payload);
    });
    try {
      const started = await call('runs.startUpdate', {});
      if (!started.ok) {
        // conflict: the lake lock is held (a CLI update) or the open app is already running something.
        lockedOut = started.error.code === 'conflict';
        const refused = lockedOut || started.error.code === 'unavailable';
        return { outcome: refused ? 'refused' : 'failed', runId: null, message: started.error.message };
      }
      const { runId } = started.value as { runId: string };
      const pollMs = opts.pollMs ?? 2000;
      // Polls in a row that found the run neither active nor announced (its engine threw after the start).
      let orphaned = 0;
      for (;;) {
        const run = finished.get(runId);
        if (run) return { outcome: outcomeOf(run), runId, message: messageOf(run) };
        await new Promise((r) => setTimeout(r, pollMs));
        if (finished.has(runId)) continue;
        const active = await call('runs.active', {});
        if (active.ok && (active.value as { run: { runId: string } | null }).run?.runId === runId) {
          orphaned = 0;
          continue;
        }
        // Give a late event two polls, then trust the journal.
        if (++orphaned < 2) continue;
        const detail = await call('runs.get', { runId });
        const v = detail.ok ? (detail.value as RunSummaryView) : null;
        if (v && v.outcome !== 'running') return { outcome: outcomeOf(v), runId, message: messageOf(v) };
        return { outcome: 'failed', runId, message: `run ${runId} ended without a result` };
      }
    } finally {
      stop();
    }
  };
  const { decision, record } = await runScheduledUpdate({
    stateDir: opts.stateDir,
    at: opts.at,
    lakeRoot: opts.lakeRoot,
    ...(opts.now ? { now: opts.now } : {}),
    update,
  });
  const ok = !record || record.outcome === 'complete';
  const exitCode = ok ? SCHEDULED_EXIT.done : lockedOut ? SCHEDULED_EXIT.tempfail : SCHEDULED_EXIT.failed;
  return { decision, record, exitCode };
}
