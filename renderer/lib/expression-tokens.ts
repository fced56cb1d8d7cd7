/**
 * Tokens of a Qlib expression for highlighting on the Feature sets page: fields ($close), operator
 * names (Mean, Ref), numbers and the rest, so the whole text is always shown back unchanged.
 */

export type ExpressionTokenKind = 'field' | 'op' | 'num' | 'text';

export interface ExpressionToken {
  kind: ExpressionTokenKind;
  text: string;
}

const TOKEN = /(\$[A-Za-z_]\w*)|([A-Za-z_]\w*)(?=\s*\()|(\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g;

/** Splits an expression into tokens whose texts concatenate to the expression. */
export function expressionTokens(expression: string): ExpressionToken[] {
  const out: ExpressionToken[] = [];
  let last = 0;
  for (const m of expression.matchAll(TOKEN)) {
    const at = m.index;
    if (at > last) out.push({ kind: 'text', text: expression.slice(last, at) });
    out.push({ kind: m[1] ? 'field' : m[2] ? 'op' : 'num', text: m[0] });
    last = at + m[0].length;
  }
  if (last < expression.length) out.push({ kind: 'text', text: expression.slice(last) });
  return out;
}
