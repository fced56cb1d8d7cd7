/**
 * Parser for Qlib's expression syntax. Qlib rewrites `$x` to `Feature("x")` and `Name(` to
 * `Operators.Name(` and hands the text to Python's `eval`, so the grammar is Python's expression
 * grammar restricted to what those expressions use: numbers, `$fields`, calls, `+ - * /`, unary
 * minus and comparisons, with Python's precedence (comparisons lowest, then `+ -`, then `* /`, then
 * unary signs). The result is a syntax tree with source positions; meaning (operators, arity,
 * types) is checked by expression-resolver.ts.
 */
import { ExpressionError } from './expression-error.ts';

/** Binary operators of the surface syntax. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '>' | '<' | '>=' | '<=' | '==' | '!=';

/** A node of the syntax tree; `start`/`end` are 0-based source offsets (end exclusive). */
export type SyntaxNode =
  | { type: 'number'; value: number; isInt: boolean; start: number; end: number }
  | { type: 'field'; name: string; start: number; end: number }
  | { type: 'name'; name: string; start: number; end: number }
  | { type: 'call'; callee: string; calleeEnd: number; args: SyntaxNode[]; start: number; end: number }
  | { type: 'binary'; op: BinaryOperator; opStart: number; left: SyntaxNode; right: SyntaxNode; start: number; end: number }
  | { type: 'unary'; op: '-' | '+'; operand: SyntaxNode; start: number; end: number };

type TokenKind = 'number' | 'field' | 'name' | 'op' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const COMPARISONS = new Set(['>', '<', '>=', '<=', '==', '!=']);
// Python's \w (Unicode letters, digits, underscore) plus the Chinese punctuation Qlib's field regex accepts.
const WORD = /[\p{L}\p{N}_\u3001\uff1a\uff08\uff09]/u;

/** Parses one expression into a syntax tree; throws ExpressionError naming the position and what was expected. */
export function parseExpression(text: string): SyntaxNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const fail = (tok: Token, problem: string): never => {
    throw new ExpressionError(text, tok.start, problem, undefined, Math.max(1, tok.end - tok.start));
  };
  const describe = (tok: Token): string => (tok.kind === 'end' ? 'the end of the expression' : `'${tok.text}'`);

  function comparison(): SyntaxNode {
    const left = additive();
    const tok = peek();
    if (tok.kind !== 'op' || !COMPARISONS.has(tok.text)) return left;
    next();
    const right = additive();
    const after = peek();
    if (after.kind === 'op' && COMPARISONS.has(after.text)) {
      // Python would turn `a < b < c` into `(a < b) and (b < c)`, which Qlib cannot evaluate.
      fail(after, 'chained comparisons are not supported (compare two values at a time)');
    }
    return { type: 'binary', op: tok.text as BinaryOperator, opStart: tok.start, left, right, start: left.start, end: right.end };
  }

  function additive(): SyntaxNode {
    let left = multiplicative();
    for (;;) {
      const tok = peek();
      if (tok.kind !== 'op' || (tok.text !== '+' && tok.text !== '-')) return left;
      next();
      const right = multiplicative();
      left = { type: 'binary', op: tok.text, opStart: tok.start, left, right, start: left.start, end: right.end };
    }
  }

  function multiplicative(): SyntaxNode {
    let left = unary();
    for (;;) {
      const tok = peek();
      if (tok.kind !== 'op' || (tok.text !== '*' && tok.text !== '/')) return left;
      next();
      const right = unary();
      left = { type: 'binary', op: tok.text, opStart: tok.start, left, right, start: left.start, end: right.end };
    }
  }

  function unary(): SyntaxNode {
    const tok = peek();
    if (tok.kind === 'op' && (tok.text === '-' || tok.text === '+')) {
      next();
      const operand = unary();
      return { type: 'unary', op: tok.text, operand, start: tok.start, end: operand.end };
    }
    return primary();
  }

  function primary(): SyntaxNode {
    const tok = next();
    switch (tok.kind) {
      case 'number':
        return numberNode(text, tok);
      case 'field':
        return { type: 'field', name: tok.text.slice(1), start: tok.start, end: tok.end };
      case 'name': {
        if (peek().kind !== '(') return { type: 'name', name: tok.text, start: tok.start, end: tok.end };
        next();
        const args: SyntaxNode[] = [];
        if (peek().kind === ')') return { type: 'call', callee: tok.text, calleeEnd: tok.end, args, start: tok.start, end: next().end };
        for (;;) {
          args.push(comparison());
          const sep = next();
          if (sep.kind === ')') return { type: 'call', callee: tok.text, calleeEnd: tok.end, args, start: tok.start, end: sep.end };
          if (sep.kind !== ',') fail(sep, `expected ',' or ')' in the arguments of ${tok.text}, found ${describe(sep)}`);
          if (peek().kind === ')') fail(peek(), `expected an argument after ',' in ${tok.text}(...)`);
        }
      }
      case '(': {
        const inner = comparison();
        const close = next();
        if (close.kind !== ')') fail(close, `expected ')' to close the '(' at column ${tok.start + 1}, found ${describe(close)}`);
        return { ...inner, start: tok.start, end: close.end };
      }
      default:
        return fail(tok, `expected a number, a $field, an operator call or '(', found ${describe(tok)}`);
    }
  }

  const tree = comparison();
  const rest = peek();
  if (rest.kind !== 'end') fail(rest, `expected an operator such as + - * / or the end of the expression, found ${describe(rest)}`);
  return tree;
}

function numberNode(text: string, tok: Token): SyntaxNode {
  const isInt = /^\d+$/.test(tok.text);
  if (isInt && tok.text.length > 1 && tok.text.startsWith('0') && /[1-9]/.test(tok.text)) {
    throw new ExpressionError(text, tok.start, 'leading zeros are not allowed in a whole number (Python rejects them)', undefined, tok.text.length);
  }
  const value = Number(tok.text);
  if (isInt && !Number.isSafeInteger(value)) {
    throw new ExpressionError(text, tok.start, 'whole number too large to represent exactly', undefined, tok.text.length);
  }
  return { type: 'number', value, isInt, start: tok.start, end: tok.end };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '$') {
      if (text[i + 1] === '$') {
        throw new ExpressionError(text, i, 'point-in-time fields ($$name) are not supported', undefined, 2);
      }
      i++;
      while (i < text.length && WORD.test(text[i]!)) i++;
      if (i === start + 1) throw new ExpressionError(text, start, "expected a field name after '$'");
      tokens.push({ kind: 'field', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ExpressionError(text, i, `unexpected character '${c}'`);
      i += m[0].length;
      if (i < text.length && WORD.test(text[i]!)) {
        throw new ExpressionError(text, start, 'malformed number', undefined, i - start + 1);
      }
      tokens.push({ kind: 'number', text: m[0], start, end: i });
      continue;
    }
    if (WORD.test(c)) {
      while (i < text.length && WORD.test(text[i]!)) i++;
      tokens.push({ kind: 'name', text: text.slice(start, i), start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '>=' || two === '<=' || two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if ('+-*/<>'.includes(c)) {
      if (two === '**') throw new ExpressionError(text, i, "'**' is not supported; use Power(a, b)", undefined, 2);
      tokens.push({ kind: 'op', text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, start, end: i + 1 });
      i++;
      continue;
    }
    throw new ExpressionError(text, i, `unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}
