/** A job's log in a side panel: monospace, scrollable, refreshed while the job runs. */
import type { JobView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { Drawer } from '../../components/drawer.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatShortDate, humanize } from '../../lib/format.ts';

/** The log panel for one job. */
export function JobLogDrawer({ runId, job, title, onClose }: { runId: string; job: JobView; title: string; onClose: () => void }) {
  const log = useContractQuery('jobs.log', { runId, jobId: job.jobId }, { refetchInterval: job.state === 'running' ? 2000 : false });
  return (
    <Drawer
      title={`Log · ${title}`}
      subtitle={`${humanize(job.kind)} · ${formatShortDate(job.date)} · ${job.jobId}`}
      onClose={onClose}
      testId="job-log"
    >
      {log.isPending && <Loading label="Reading the log…" />}
      {log.isError && (
        <div style={{ padding: 'var(--space-4)' }}>
          <ErrorNotice error={log.error} title="The log could not be read" />
        </div>
      )}
      {log.data && log.data.lines.length === 0 && <EmptyState title="This job has not written any log lines yet." />}
      {log.data && log.data.lines.length > 0 && (
        <pre className="log" data-testid="job-log-text" tabIndex={0} aria-label="Log lines">
          {log.data.lines.join('\n')}
        </pre>
      )}
    </Drawer>
  );
}
