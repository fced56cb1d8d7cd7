/**
 * A diff of two versions of a set: features whose expression changed (compared in canonical form),
 * added and removed, and for changed ones how their values differ on the last day both versions
 * have. The other version defaults to the one before the open one.
 */
import { useState } from 'react';
import { useContractQuery } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatCount, formatTradingDate, plural } from '../../lib/format.ts';
import { Expression } from './expression.tsx';

function Diff({ name, a, b }: { name: string; a: string; b: string }) {
  const diff = useContractQuery('featureSets.diff', { name, a, b }, { staleTime: 60_000 });
  if (diff.isPending) return <Loading label="Comparing the versions…" />;
  if (diff.isError) return <ErrorNotice error={diff.error} title={`v${a} and v${b} could not be compared`} />;
  const d = diff.data;
  const values = new Map(d.values.map((v) => [v.feature, v]));
  const none = d.changed.length + d.added.length + d.removed.length === 0;
  return (
    <div className="stack" data-testid="version-diff">
      <p data-testid="version-diff-summary">
        v{a} → v{b}: {formatCount(d.changed.length)} changed, {formatCount(d.added.length)} added, {formatCount(d.removed.length)} removed
        {d.sharedDay ? `; values compared on ${formatTradingDate(d.sharedDay)}.` : '; no day is built in both, so values are not compared.'}
      </p>
      {none && <p className="muted">The two versions compute the same features the same way.</p>}
      <ul className="diff-list">
        {d.changed.map((c) => {
          const v = values.get(c.feature);
          return (
            <li key={c.feature} data-testid={`diff-changed-${c.feature}`}>
              <span>
                <span className="diff-mark" data-kind="changed" aria-label="changed">~</span>
                <strong className="mono">{c.feature}</strong>
                {v && (
                  <span className="muted" data-testid={`diff-values-${c.feature}`} data-differing={v.differing}>
                    {' '}· {formatCount(v.differing)} of {plural(v.compared, 'value')} differ,
                    largest difference {v.maxAbsDiff.toPrecision(4)}
                  </span>
                )}
              </span>
              <span>
                <span className="muted">before </span>
                <Expression text={c.before} />
              </span>
              <span>
                <span className="muted">after </span>
                <Expression text={c.after} />
              </span>
            </li>
          );
        })}
        {d.added.map((c) => (
          <li key={c.feature} data-testid={`diff-added-${c.feature}`}>
            <span>
              <span className="diff-mark" data-kind="added" aria-label="added">+</span>
              <strong className="mono">{c.feature}</strong> <Expression text={c.expression} />
            </span>
          </li>
        ))}
        {d.removed.map((c) => (
          <li key={c.feature} data-testid={`diff-removed-${c.feature}`}>
            <span>
              <span className="diff-mark" data-kind="removed" aria-label="removed">−</span>
              <strong className="mono">{c.feature}</strong> <Expression text={c.expression} />
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The card for version `version` of set `name`, whose built versions are `versions` (oldest first). */
export function VersionDiffCard({ name, version, versions }: { name: string; version: string; versions: readonly string[] }) {
  const others = versions.filter((v) => v !== version);
  const before = others.filter((v) => versions.indexOf(v) < versions.indexOf(version)).at(-1) ?? others[0] ?? null;
  const [picked, setPicked] = useState<string | null>(null);
  const other = picked && others.includes(picked) ? picked : before;
  // Older first, so "changed" reads as what the newer version did.
  const [a, b] = other && versions.indexOf(other) > versions.indexOf(version) ? [version, other] : [other, version];
  return (
    <Card
      title="Compare versions"
      headingId="diff-heading"
      testId="diff-card"
      actions={
        others.length > 0 && (
          <>
            <label htmlFor="diff-other" className="field-label" style={{ margin: 0 }}>
              Compare with
            </label>
            <select
              id="diff-other"
              className="select"
              value={other ?? ''}
              onChange={(e) => setPicked(e.target.value)}
              data-testid="diff-other"
            >
              {others.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </>
        )
      }
    >
      {a && b ? <Diff name={name} a={a} b={b} /> : <EmptyState title="Only one version of this set is built." />}
    </Card>
  );
}
