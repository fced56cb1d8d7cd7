import type { RunSummaryView } from '../contract/contract-views.ts';
import type { ScheduledRunRecord } from '../schedule/scheduled-runs.ts';

/** What a desktop notification says when a run ends; null for runs nobody needs telling about. */
export interface RunNotification {
  title: string;
  body: string;
  /** Failed or partial runs ask for attention; a finished one does not. */
  urgent: boolean;
}

const KIND: Record<RunSummaryView['kind'], string> = { update: 'Update', backfill: 'Backfill', retry: 'Retry', resume: 'Resume' };

/** The notification for a finished run (an update, backfill or retry), in words a person reads at a glance. */
export function runNotification(run: RunSummaryView): RunNotification | null {
  const what = KIND[run.kind];
  const jobs = Object.values(run.counts).reduce((a, b) => a + (b ?? 0), 0);
  const failed = (run.counts.failed ?? 0) + (run.counts.crashed ?? 0);
  switch (run.outcome) {
    case 'succeeded':
      return { title: `${what} finished`, body: jobs ? `${jobs} job(s) complete; the lake is up to date.` : 'Everything was already up to date.', urgent: false };
    case 'partial':
      return { title: `${what} finished with problems`, body: `${failed} of ${jobs} job(s) failed; open Runs for details.`, urgent: true };
    case 'failed':
    case 'interrupted':
      return { title: `${what} failed`, body: run.error ?? `${failed} of ${jobs} job(s) failed; open Runs for details.`, urgent: true };
    default:
      return null;
  }
}

/** The notification for a scheduled firing that ran (or was refused): the history record in a sentence. */
export function scheduledRunNotification(record: Pick<ScheduledRunRecord, 'date' | 'outcome' | 'message'>): RunNotification {
  switch (record.outcome) {
    case 'complete':
      return { title: 'Scheduled update finished', body: `The lake is up to date for ${record.date} (${record.message}).`, urgent: false };
    case 'refused':
      return { title: 'Scheduled update did not run', body: `${record.message} It is tried again within the hour.`, urgent: true };
    case 'cancelled':
      return { title: 'Scheduled update cancelled', body: `The update for ${record.date} was stopped: ${record.message}.`, urgent: false };
    default:
      return {
        title: 'Scheduled update failed',
        body: `The update for ${record.date} failed: ${record.message}. Open QuantMini's Runs page for details.`,
        urgent: true,
      };
  }
}
