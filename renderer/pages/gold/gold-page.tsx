/**
 * Gold: the lake's Qlib directory (frequencies, calendar range, instruments, markets), its last
 * health check grouped by rule with each finding linked to its symbol, and the two Python lines
 * that open it in Qlib, with a copy button.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { GoldCheckView } from '../../../core/contract/contract-views.ts';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Badge } from '../../components/badge.tsx';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatCount, formatInstant, formatTradingDate, humanize, NONE, plural } from '../../lib/format.ts';

function CopyButton({ text, testId }: { text: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
        data-testid={testId}
      >
        Copy
      </button>
      <span role="status" className="muted" style={{ fontSize: 'var(--text-s)' }}>
        {state === 'copied' && 'Copied to the clipboard.'}
        {state === 'failed' && 'The clipboard refused: select the lines and copy them.'}
      </span>
    </>
  );
}

function HealthReport({ report, testId = 'gold-report' }: { report: GoldCheckView; testId?: string }) {
  return (
    <div className="stack" data-testid={testId}>
      <p data-testid={`${testId}-summary`}>
        Checked {formatInstant(report.checkedAt)}: {report.ok ? 'no errors' : plural(report.counts.error, 'error')},{' '}
        {plural(report.counts.warning, 'warning')}.
      </p>
      {report.groups.length === 0 && <p className="muted">Nothing to report: every rule passed.</p>}
      {report.groups.map((g) => (
        <details key={g.rule} className="finding-group" open={g.level === 'error'} data-testid={`gold-group-${g.rule}`}>
          <summary>
            <Badge tone={g.level === 'error' ? 'danger' : 'warning'}>{g.level}</Badge> {humanize(g.rule)} · {plural(g.count, 'finding')}
            {g.count > g.findings.length ? ` (first ${formatCount(g.findings.length)} shown)` : ''}
          </summary>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Instrument</th>
                <th scope="col">Field</th>
                <th scope="col">Dates</th>
                <th scope="col">Finding</th>
              </tr>
            </thead>
            <tbody>
              {g.findings.map((f, i) => (
                <tr key={i}>
                  <td>
                    {f.instrument ? (
                      <a href={hrefFor('symbol', 'find', f.instrument)} data-testid={`finding-link-${f.instrument}`}>
                        {f.instrument}
                      </a>
                    ) : (
                      NONE
                    )}
                  </td>
                  <td>{f.field ?? NONE}</td>
                  <td>
                    {f.dates.slice(0, 3).map(formatTradingDate).join(', ') || NONE}
                    {f.dateCount > 3 ? `, … ${formatCount(f.dateCount)} in all` : ''}
                  </td>
                  <td>{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}

/** The Gold panel. */
export function GoldPage() {
  const queryClient = useQueryClient();
  const status = useContractQuery('gold.status', {});
  const check = useContractMutation('gold.check', { onSuccess: (view) => queryClient.setQueryData(contractKey('gold.status', {}), view) });
  const g = status.data;
  return (
    <div className="page gold-page">
      <PageHeader title="Gold" description="The lake's Qlib directory: what it holds, its health, and how to open it." />
      {status.isPending && <Loading label="Reading gold…" />}
      {status.isError && <ErrorNotice error={status.error} title="Gold could not be read" />}
      {g && (
        <>
          <Card title="Qlib directory" headingId="qlib-dir-heading" testId="gold-status">
            {!g.exists ? (
              <EmptyState title="No gold yet.">
                Update today builds it once silver&apos;s adjusted bars are there. It will be at {g.qlibDir}.
              </EmptyState>
            ) : (
              <dl className="kv">
                <dt>Directory</dt>
                <dd className="mono" data-testid="gold-dir">{g.qlibDir}</dd>
                <dt>Frequencies</dt>
                <dd data-testid="gold-freqs">{g.frequencies.join(', ') || NONE}</dd>
                <dt>Calendar</dt>
                <dd data-testid="gold-calendar">
                  {g.calendar?.first && g.calendar.last
                    ? `${formatTradingDate(g.calendar.first)} – ${formatTradingDate(g.calendar.last)} ` +
                      `(${plural(g.calendar.length, 'trading day')})`
                    : NONE}
                </dd>
                <dt>Instruments</dt>
                <dd data-testid="gold-instruments">{formatCount(g.instruments)}</dd>
                <dt>Markets</dt>
                <dd>{g.markets.join(', ') || NONE}</dd>
              </dl>
            )}
          </Card>
          <Card
            title="Open it in Qlib"
            headingId="python-heading"
            testId="gold-python"
            actions={<CopyButton text={g.python.join('\n')} testId="copy-python" />}
          >
            <div className="code-block">
              <pre data-testid="python-lines">{g.python.join('\n')}</pre>
            </div>
          </Card>
          <Card
            title="Health check"
            headingId="health-heading"
            description="Qlib's check_data_health rules plus calendar, span and bin rules (quantmini qlib check)."
            actions={
              <button
                type="button"
                className="btn btn-small"
                disabled={!g.exists || check.isPending}
                onClick={() => check.mutate({})}
                data-testid="run-gold-check"
              >
                {check.isPending ? 'Checking…' : 'Run health check'}
              </button>
            }
          >
            {check.isError && <ErrorNotice error={check.error} title="The health check failed" />}
            {g.report ? (
              <HealthReport report={g.report} />
            ) : (
              <EmptyState title="No health check yet." testId="gold-no-report">
                Run one to see the report here.
              </EmptyState>
            )}
          </Card>
          {g.minuteReport && (
            <Card
              title="Health check, 1-minute gold"
              headingId="minute-health-heading"
              testId="gold-minute-report"
              description="gold/qlib/us_1min against the NYSE session minutes, silver's spans and bronze's traded minutes (quantmini qlib check --freq 1min)."
            >
              <HealthReport report={g.minuteReport} testId="gold-minute-report-body" />
            </Card>
          )}
        </>
      )}
    </div>
  );
}
