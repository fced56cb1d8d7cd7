/** System: memory pressure (machine and per process), disk on the lake's volume, and concurrency. */
import { useEffect } from 'react';
import type { SystemProfileView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { recordMemorySample, useMemoryHistory } from '../../api/memory-history.ts';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatBytes, formatCount, formatPercent } from '../../lib/format.ts';
import { MemoryGauge } from './memory-gauge.tsx';
import { MemoryTrend, ProcessRssChart } from './memory-charts.tsx';

const MODE_TEXT: Record<SystemProfileView['mode'], string> = {
  streaming: 'Streaming: one job at a time, bounded memory',
  batch: 'Batch: a few jobs in parallel',
  parallel: 'Parallel: many jobs at once',
};

function ProfileCard({ profile }: { profile: SystemProfileView }) {
  const diskUsed = profile.diskTotalBytes !== null && profile.diskFreeBytes !== null ? profile.diskTotalBytes - profile.diskFreeBytes : null;
  const rows: Array<[string, keyof SystemProfileView['recommended']]> = [
    ['Parallel downloads', 'downloads'],
    ['Ingest workers', 'ingestWorkers'],
    ['DuckDB threads', 'duckdbThreads'],
    ['DuckDB memory limit', 'duckdbMemoryLimit'],
  ];
  return (
    <>
      <Card title="Machine" headingId="machine-heading" testId="machine-profile">
        <dl className="kv">
          <dt>CPU cores</dt>
          <dd data-testid="cpu-count">{profile.cores}</dd>
          <dt>Memory</dt>
          <dd>
            {formatBytes(profile.totalMemoryBytes)} total · {formatBytes(profile.availableMemoryBytes)} available
          </dd>
          <dt>Platform</dt>
          <dd>{profile.platform}</dd>
          <dt>Apple Silicon</dt>
          <dd data-testid="apple-silicon">{profile.appleSilicon ? 'Yes' : 'No'}</dd>
          <dt>Processing mode</dt>
          <dd data-testid="processing-mode">{MODE_TEXT[profile.mode]}</dd>
        </dl>
        <div className="disk" data-testid="disk-free">
          <div className="row-between">
            <strong>Lake volume</strong>
            <span className="muted">
              {profile.diskFreeBytes === null ? 'Free space unknown' : `${formatBytes(profile.diskFreeBytes)} free${profile.diskTotalBytes ? ` of ${formatBytes(profile.diskTotalBytes)}` : ''}`}
            </span>
          </div>
          {diskUsed !== null && profile.diskTotalBytes ? <ProgressBar value={diskUsed} max={profile.diskTotalBytes} label="Lake volume used" /> : null}
        </div>
      </Card>
      <Card title="Concurrency" headingId="concurrency-heading" testId="concurrency" description="Recommended for this machine, and what runs will use with your settings." flush>
        <table className="table" aria-labelledby="concurrency-heading">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col" className="num">Recommended</th>
              <th scope="col" className="num">Effective</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, key]) => (
              <tr key={key} data-testid={`concurrency-${key}`}>
                <td>{label}</td>
                <td className="num">{String(profile.recommended[key])}</td>
                <td className="num">
                  <strong>{String(profile.effective[key])}</strong>
                  {profile.effective[key] !== profile.recommended[key] && <span className="muted"> (set)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

/** The System page. */
export function SystemPage() {
  const memory = useContractQuery('system.memory', {});
  const profile = useContractQuery('system.profile', {}, { refetchInterval: 30_000 });
  const history = useMemoryHistory();
  const sample = memory.data;

  useEffect(() => {
    if (sample) recordMemorySample(sample);
  }, [sample]);

  return (
    <div className="page">
      <PageHeader title="System" description="What the running jobs cost this machine, live." />
      <div className="system-grid">
        <Card title="Memory pressure" headingId="memory-heading" testId="memory-card" description={sample ? `${formatCount(sample.processes.length)} processes sampled` : undefined}>
          {memory.isPending && <Loading />}
          {memory.isError && <ErrorNotice error={memory.error} title="Memory could not be sampled" />}
          {sample && <MemoryGauge sample={sample} />}
        </Card>
        <Card title="Recent memory" headingId="trend-heading" description={sample ? `Dashed lines: warning at ${formatPercent(sample.warningPercent)}, critical at ${formatPercent(sample.criticalPercent)}` : undefined}>
          {sample && history.length > 1 ? (
            <MemoryTrend samples={history} warningPercent={sample.warningPercent} criticalPercent={sample.criticalPercent} />
          ) : (
            <EmptyState title="Collecting samples…">The trend appears after the next memory sample arrives.</EmptyState>
          )}
        </Card>
      </div>
      <Card title="Processes" headingId="processes-heading" testId="processes" description="Resident memory of the app and every job process">
        {sample && sample.processes.length > 0 ? (
          <>
            <ProcessRssChart processes={sample.processes} />
            <table className="table visually-hidden" aria-labelledby="processes-heading">
              <thead>
                <tr>
                  <th scope="col">Process</th>
                  <th scope="col">Job</th>
                  <th scope="col">Resident memory</th>
                </tr>
              </thead>
              <tbody>
                {sample.processes.map((p) => (
                  <tr key={p.pid} data-testid={`process-${p.pid}`}>
                    <td>{p.name}</td>
                    <td>{p.jobId ?? 'None'}</td>
                    <td>{formatBytes(p.rssBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          sample && <EmptyState title="No processes are running.">Job processes appear here while an update or backfill runs.</EmptyState>
        )}
      </Card>
      {profile.isError && <ErrorNotice error={profile.error} title="The machine profile could not be read" />}
      {profile.isPending && <Loading />}
      {profile.data && (
        <div className="grid-2">
          <ProfileCard profile={profile.data} />
        </div>
      )}
    </div>
  );
}
