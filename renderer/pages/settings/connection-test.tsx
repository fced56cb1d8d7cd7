/** "Test connection": reaches the S3 flat files and the REST API with the saved credentials. */
import { useContractMutation } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { Badge } from '../../components/badge.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { formatShortDate } from '../../lib/format.ts';

/** The button and its per-dataset results. */
export function ConnectionTest() {
  const test = useContractMutation('settings.testConnection');
  const title = useDatasetTitles();
  const r = test.data;
  return (
    <div className="stack-s" data-testid="connection-test">
      <div className="row">
        <button type="button" className="btn" onClick={() => test.mutate({})} disabled={test.isPending} data-testid="test-connection">
          {test.isPending && <span className="spinner" aria-hidden="true" />}
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <span className="field-hint">Uses the saved credentials; save first if you changed them.</span>
      </div>
      {test.isError && <ErrorNotice error={test.error} title="The connection test could not run" />}
      {r && (
        <div className="connection-results" role="status">
          {r.notice && (
            <div className="notice" data-tone="info" data-testid="connection-notice">
              <span>{r.notice}</span>
            </div>
          )}
          <div className="row">
            <Badge tone={r.s3.ok ? 'success' : 'danger'} testId="s3-result">
              Flat files (S3): {r.s3.ok ? 'reachable' : 'not reachable'}
            </Badge>
            <span className="muted">{r.s3.message}</span>
          </div>
          <div className="row">
            <Badge tone={r.rest.ok ? 'success' : 'danger'} testId="rest-result">
              REST API: {r.rest.ok ? 'reachable' : 'not reachable'}
            </Badge>
            <span className="muted">{r.rest.message}</span>
          </div>
          {r.s3.reachable.length > 0 && (
            <table className="table compact" aria-label="Reachability per dataset">
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Checked day</th>
                  <th scope="col">Result</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {r.s3.reachable.map((d) => (
                  <tr key={`${d.dataset}-${d.date}`} data-testid={`reachable-${d.dataset}-${d.date}`} data-ok={d.ok}>
                    <td>{title(d.dataset)}</td>
                    <td className="nowrap">{formatShortDate(d.date)}</td>
                    <td>
                      <Badge tone={d.ok ? 'success' : 'danger'}>{d.ok ? 'Reachable' : 'Refused'}</Badge>
                    </td>
                    <td className="muted">{d.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
