/**
 * Turns a syntax tree into a resolved expression: operators looked up, arity and parameters
 * checked, fields checked against the known set, pure-number arithmetic folded the way Python folds
 * it, dtypes inferred, and every node given a key equal to Qlib's `str(expression)` (its cache key),
 * which is also the canonical form used to share sub-expressions and to hash manifests.
 */
import { ExpressionError } from './expression-error.ts';
import { parseExpression, type SyntaxNode } from './expression-parser.ts';
import {
  ALL_OPERATORS, BINARY_OPERATORS, COMPARISON_OPERATORS, OPERATOR_USAGE, PAIR_ROLLING_OPERATORS, ROLLING_OPERATORS,
  UNARY_OPERATORS, UNSUPPORTED_QLIB_OPERATORS, binaryResultType, shiftResultType, unaryResultType, whereResultType,
  type BinaryOperatorName, type DType, type DTypeResult, type OperandType, type OperatorName,
} from './operator-catalog.ts';
import { pythonNumberRepr } from './python-number.ts';

/** A `$field` reference (always float32: Qlib's bins hold float32). */
export interface FieldExpr {
  kind: 'field';
  /** Lowercase field name (Qlib lowercases it to find the file). */
  name: string;
  key: string;
  dtype: 'f32';
}

/** A Python number literal (or a folded pure-number sub-expression). */
export interface ConstExpr {
  kind: 'const';
  value: number;
  isInt: boolean;
  key: string;
}

/** An operator applied to operands (series or numbers) and numeric parameters. */
export interface OpExpr {
  kind: 'op';
  op: OperatorName;
  /** Series or number operands, in Qlib's order. */
  args: Expr[];
  /** Window N (rolling, Ref, Delta, EMA, Corr, Cov), then q for Quantile. */
  params: number[];
  key: string;
  dtype: DType;
}

export type Expr = FieldExpr | ConstExpr | OpExpr;
/** An expression that yields a series (everything but a bare number). */
export type SeriesExpr = FieldExpr | OpExpr;

export interface ResolveOptions {
  /** Fields the data source has (lowercase); an expression using another field is refused. Omit to accept any. */
  knownFields?: ReadonlySet<string>;
  /** Feature name, for error messages. */
  feature?: string;
}

/** Parses and resolves one expression; throws ExpressionError (syntax, unknown operator, arity, unknown field, types). */
export function compileExpression(text: string, options: ResolveOptions = {}): SeriesExpr {
  try {
    const expr = resolve(parseExpression(text), text, options.knownFields);
    if (expr.kind === 'const') {
      throw new ExpressionError(text, 0, 'the expression is a plain number; a feature needs at least one $field', undefined, text.length);
    }
    return expr;
  } catch (err) {
    if (err instanceof ExpressionError && options.feature) throw err.forFeature(options.feature);
    throw err;
  }
}

function resolve(node: SyntaxNode, text: string, knownFields: ReadonlySet<string> | undefined): Expr {
  const fail = (at: { start: number; end: number }, problem: string): never => {
    throw new ExpressionError(text, at.start, problem, undefined, Math.max(1, at.end - at.start));
  };
  const seriesType = (e: Expr): OperandType => (e.kind === 'const' ? { constant: e.isInt ? 'int' : 'float' } : { series: e.dtype });
  const typed = (at: SyntaxNode, d: DTypeResult): DType => (typeof d === 'string' ? d : fail(at, d.unsupported));

  const binary = (op: BinaryOperatorName, left: Expr, right: Expr, at: SyntaxNode): Expr => {
    if (left.kind === 'const' && right.kind === 'const') {
      if (COMPARISON_OPERATORS.has(op) || op === 'Greater' || op === 'Less' || op === 'Power') {
        fail(at, `${op} of two numbers has nothing to compute; at least one side must use a $field`);
      }
      return foldConstants(op, left, right, at);
    }
    const dtype = typed(at, binaryResultType(op, seriesType(left), seriesType(right)));
    return { kind: 'op', op, args: [left, right], params: [], key: `${op}(${left.key},${right.key})`, dtype };
  };

  const foldConstants = (op: BinaryOperatorName, a: ConstExpr, b: ConstExpr, at: SyntaxNode): ConstExpr => {
    const isInt = a.isInt && b.isInt && op !== 'Div';
    if (op === 'Div' && b.value === 0) fail(at, 'division by zero between numbers');
    const value = op === 'Add' ? a.value + b.value : op === 'Sub' ? a.value - b.value : op === 'Mul' ? a.value * b.value : a.value / b.value;
    if (isInt && !Number.isSafeInteger(value)) fail(at, 'whole-number arithmetic overflows');
    return constant(value, isInt);
  };

  switch (node.type) {
    case 'number':
      return constant(node.value, node.isInt);
    case 'field': {
      const name = node.name.toLowerCase();
      if (knownFields && !knownFields.has(name)) {
        const hint = closest(name, [...knownFields]);
        fail(node, `unknown field $${node.name} (known: ${[...knownFields].map((f) => `$${f}`).join(', ')})${hint ? `; did you mean $${hint}?` : ''}`);
      }
      return { kind: 'field', name, key: `$${name}`, dtype: 'f32' };
    }
    case 'name':
      return fail(node, `unknown name '${node.name}': fields are written $${node.name}, operators are called as Name(...)`);
    case 'unary': {
      const operand = resolve(node.operand, text, knownFields);
      if (node.op === '+') return operand;
      if (operand.kind === 'const') return constant(-operand.value, operand.isInt);
      // Qlib's Expression has no __neg__; -x is evaluated as x*-1 (exact negation in IEEE arithmetic).
      return binary('Mul', operand, constant(-1, true), node);
    }
    case 'binary': {
      const left = resolve(node.left, text, knownFields);
      const right = resolve(node.right, text, knownFields);
      const opAt = { start: node.opStart, end: node.opStart + node.op.length };
      const surface = { '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div', '>': 'Gt', '<': 'Lt', '>=': 'Ge', '<=': 'Le', '==': 'Eq', '!=': 'Ne' } as const;
      let op: BinaryOperatorName = surface[node.op];
      // Python's reflected operators: `2*$x` is Mul($x,2) and `2>$x` is Lt($x,2) in Qlib (radd/rsub/rdiv keep the order).
      if (left.kind === 'const' && right.kind !== 'const') {
        const reflected = { Mul: 'Mul', Gt: 'Lt', Lt: 'Gt', Ge: 'Le', Le: 'Ge', Eq: 'Eq', Ne: 'Ne' } as Partial<Record<BinaryOperatorName, BinaryOperatorName>>;
        const r = reflected[op];
        if (r) {
          op = r;
          return binary(op, right, left, { ...node, start: opAt.start, end: opAt.end });
        }
      }
      if (left.kind === 'const' && right.kind === 'const' && COMPARISON_OPERATORS.has(op)) {
        fail(opAt, 'comparison of two numbers has nothing to compute; at least one side must use a $field');
      }
      return binary(op, left, right, { ...node, start: opAt.start, end: opAt.end });
    }
    case 'call':
      return resolveCall(node, text, knownFields, binary, typed);
  }
}

function resolveCall(
  node: Extract<SyntaxNode, { type: 'call' }>,
  text: string,
  knownFields: ReadonlySet<string> | undefined,
  binary: (op: BinaryOperatorName, l: Expr, r: Expr, at: SyntaxNode) => Expr,
  typed: (at: SyntaxNode, d: DTypeResult) => DType,
): Expr {
  const calleeAt = { start: node.start, end: node.calleeEnd };
  const fail = (at: { start: number; end: number }, problem: string): never => {
    throw new ExpressionError(text, at.start, problem, undefined, Math.max(1, at.end - at.start));
  };
  const name = node.callee;
  if (!ALL_OPERATORS.has(name)) {
    if (UNSUPPORTED_QLIB_OPERATORS.has(name)) fail(calleeAt, `operator ${name} exists in Qlib but is not supported by this engine`);
    const hint = closest(name, [...ALL_OPERATORS]);
    fail(calleeAt, `unknown operator '${name}'${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  const op = name as OperatorName;
  const usage = OPERATOR_USAGE[op];
  const expected = usage.split(',').length;
  if (node.args.length !== expected) {
    fail(calleeAt, `${op} takes ${expected} argument${expected === 1 ? '' : 's'}, ${usage}, but got ${node.args.length}`);
  }
  const args = node.args.map((a) => resolve(a, text, knownFields));
  const argAt = (i: number) => node.args[i]!;
  const series = (i: number): Exclude<Expr, ConstExpr> => {
    const a = args[i]!;
    if (a.kind === 'const') fail(argAt(i), `argument ${i + 1} of ${usage} must be an expression over $fields, not a number`);
    return a as Exclude<Expr, ConstExpr>;
  };
  const intParam = (i: number, what: string, min: number): number => {
    const a = args[i]!;
    if (a.kind !== 'const' || !a.isInt) fail(argAt(i), `${what} of ${usage} must be a whole number`);
    const v = (a as ConstExpr).value;
    if (v < min) fail(argAt(i), `${what} of ${usage} must be ${min === 0 ? '0 (expanding) or more' : `at least ${min}`}, got ${v}`);
    return v;
  };

  if ((UNARY_OPERATORS as readonly string[]).includes(op)) {
    const x = series(0);
    const dtype = typed(node, unaryResultType(op as (typeof UNARY_OPERATORS)[number], x.dtype));
    return { kind: 'op', op, args: [x], params: [], key: `${op}(${x.key})`, dtype };
  }
  if ((BINARY_OPERATORS as readonly string[]).includes(op)) {
    return binary(op as BinaryOperatorName, args[0]!, args[1]!, { ...node, start: calleeAt.start, end: calleeAt.end });
  }
  if (op === 'If') {
    const cond = series(0);
    const a = args[1]!;
    const b = args[2]!;
    const t = (e: Expr): OperandType => (e.kind === 'const' ? { constant: e.isInt ? 'int' : 'float' } : { series: e.dtype });
    const dtype = whereResultType(t(a), t(b));
    return { kind: 'op', op, args: [cond, a, b], params: [], key: `If(${cond.key},${a.key},${b.key})`, dtype };
  }
  if ((PAIR_ROLLING_OPERATORS as readonly string[]).includes(op)) {
    const a = series(0);
    const b = series(1);
    // Qlib's PairRolling with N = 0 reports an extension of -inf and fails to load; refuse it here.
    const n = intParam(2, 'the window N', 1);
    return { kind: 'op', op, args: [a, b], params: [n], key: `${op}(${a.key},${b.key},${n})`, dtype: 'f64' };
  }
  if ((ROLLING_OPERATORS as readonly string[]).includes(op)) {
    const x = series(0);
    if (op === 'Ref' || op === 'Delta') {
      const n = intParam(1, 'the shift N', op === 'Ref' ? -Infinity : 0);
      const dtype = typed(node, shiftResultType(op, x.dtype, n));
      return { kind: 'op', op, args: [x], params: [n], key: `${op}(${x.key},${n})`, dtype };
    }
    if (op === 'EMA') {
      const a = args[1]!;
      if (a.kind !== 'const' || (!a.isInt && !(a.value > 0 && a.value < 1)) || (a.isInt && a.value < 0)) {
        fail(argAt(1), `the window N of ${usage} must be a whole number >= 0 (span) or a number between 0 and 1 (alpha)`);
      }
      const c = a as ConstExpr;
      return { kind: 'op', op, args: [x], params: [c.value], key: `EMA(${x.key},${c.key})`, dtype: 'f64' };
    }
    const min = op === 'Skew' ? 3 : op === 'Kurt' ? 4 : 0;
    const n = intParam(1, 'the window N', 0);
    if (n !== 0 && n < min) fail(argAt(1), `the window N of ${usage} must be 0 (expanding) or at least ${min} (Qlib refuses smaller), got ${n}`);
    if (op === 'Quantile') {
      const q = args[2]!;
      if (q.kind !== 'const' || !(q.value >= 0 && q.value <= 1)) fail(argAt(2), `q of ${usage} must be a number from 0 to 1`);
      const qc = q as ConstExpr;
      return { kind: 'op', op, args: [x], params: [n, qc.value], key: `Quantile(${x.key},${n},${qc.key})`, dtype: 'f64' };
    }
    return { kind: 'op', op, args: [x], params: [n], key: `${op}(${x.key},${n})`, dtype: 'f64' };
  }
  // Every name in the operator tables is resolved above; reaching here means a table and this
  // function disagree, a bug in QuantMini rather than in the expression.
  return fail(calleeAt, `internal error: operator ${op} is known but has no resolver`);
}

function constant(value: number, isInt: boolean): ConstExpr {
  return { kind: 'const', value, isInt, key: pythonNumberRepr(value, isInt) };
}

/** The known name closest to `name` (case-insensitive match first, then edit distance <= 2). */
function closest(name: string, known: string[]): string | undefined {
  const lower = name.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
