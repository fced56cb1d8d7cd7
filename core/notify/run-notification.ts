import type { RunSummaryView } from '../contract/contract-views.ts';

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
