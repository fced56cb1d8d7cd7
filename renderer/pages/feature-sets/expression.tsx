/**
 * A Qlib expression with fields, operators and numbers highlighted; with a problem, the offending
 * span is underlined and marked for screen readers, so a bad expression shows where it fails.
 */
import { useMemo } from 'react';
import type { ExpressionProblemView } from '../../../core/contract/contract-views.ts';
import { expressionTokens } from '../../lib/expression-tokens.ts';

const TOKEN_CLASS = { field: 'expr-field', op: 'expr-op', num: 'expr-num', text: '' } as const;

function Highlighted({ text }: { text: string }) {
  const tokens = useMemo(() => expressionTokens(text), [text]);
  return <>{tokens.map((t, i) => (TOKEN_CLASS[t.kind] ? <span key={i} className={TOKEN_CLASS[t.kind]}>{t.text}</span> : t.text))}</>;
}

/** The expression; `problem` (position and length in `text`) underlines where it fails. */
export function Expression({ text, problem }: { text: string; problem?: ExpressionProblemView | null }) {
  if (!problem) {
    return (
      <code className="manifest-expr">
        <Highlighted text={text} />
      </code>
    );
  }
  const at = Math.max(0, Math.min(problem.position, text.length));
  const end = Math.min(text.length, at + Math.max(1, problem.length));
  // A problem at the very end (a missing ")") has no character to underline: mark a space there.
  const bad = text.slice(at, end) || ' ';
  return (
    <code className="manifest-expr">
      <Highlighted text={text.slice(0, at)} />
      <mark className="expr-error" data-testid="expr-error" title={problem.problem}>
        <span className="visually-hidden">(error starts here) </span>
        {bad}
      </mark>
      <Highlighted text={text.slice(end)} />
    </code>
  );
}
