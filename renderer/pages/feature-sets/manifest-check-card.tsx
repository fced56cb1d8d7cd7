/**
 * The manifest a version was built from, and a checker for an edited copy: `featureSets.check`
 * validates the text as a build would (YAML, shape, parameters, every expression against the
 * source fields) without building, and each bad expression is shown with its offending span
 * underlined and the problem beside it, so a typo points at itself.
 */
import { useState } from 'react';
import { useContractMutation } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { plural } from '../../lib/format.ts';
import { Expression } from './expression.tsx';

/** The card, starting from `manifestText`. */
export function ManifestCheckCard({ manifestText }: { manifestText: string }) {
  const [text, setText] = useState(manifestText);
  const check = useContractMutation('featureSets.check');
  const r = check.data;
  const bad = r?.expressions.filter((e) => e.problem) ?? [];
  return (
    <Card
      title="Manifest"
      headingId="manifest-heading"
      description="The manifest this version was built from. Edit a copy and check it before you install it as a new version."
      testId="manifest-card"
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          check.mutate({ text });
        }}
      >
        <label htmlFor="manifest-editor" className="field-label">
          Manifest (YAML)
        </label>
        <textarea
          id="manifest-editor"
          className="textarea manifest-editor"
          value={text}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          data-testid="manifest-text"
        />
        <div className="row">
          <button type="submit" className="btn" disabled={!text.trim() || check.isPending} data-testid="manifest-check">
            {check.isPending ? 'Checking…' : 'Check manifest'}
          </button>
          {text !== manifestText && (
            <button type="button" className="btn btn-ghost" onClick={() => setText(manifestText)}>
              Revert to the built manifest
            </button>
          )}
        </div>
      </form>
      {check.isError && <ErrorNotice error={check.error} title="The manifest could not be checked" />}
      {r && (
        <div className="stack" style={{ marginTop: 12 }} data-testid="manifest-check-result" data-ok={r.ok}>
          {r.ok ? (
            <p role="status">
              {r.name}@{r.version} would build: {plural(r.expressions.length, 'expression')}, none with a problem.
            </p>
          ) : (
            <div className="notice" data-tone="danger" role="alert" data-testid="manifest-error">
              {r.error}
            </div>
          )}
          {bad.length > 0 && (
            <ul className="diff-list" aria-label="Expressions with a problem">
              {bad.map((e) => (
                <li key={e.name} data-testid={`manifest-problem-${e.name}`}>
                  <span>
                    <strong className="mono">{e.name}</strong> <Expression text={e.expression} problem={e.problem} />
                  </span>
                  <p className="expr-problem">
                    Column {e.problem!.position + 1}: {e.problem!.problem}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
