/**
 * Every operator the engine evaluates: its signature, and the numpy/pandas dtype of its result in
 * Qlib (measured by running Qlib on each combination, see README.md). Dtypes matter for exactness:
 * element-wise steps on float32 inputs stay float32 (rounded after every step), rolling statistics
 * are float64, and a few combinations (a comparison shifted by Ref, the log of a comparison) become
 * numpy object or float16 arrays, which the engine refuses rather than approximates.
 */

/** A series dtype as Qlib holds it: numpy bool, int64, float32 or float64. */
export type DType = 'bool' | 'int' | 'f32' | 'f64';

/** An operand's type: a series of some dtype, or a Python number literal. */
export type OperandType = { series: DType } | { constant: 'int' | 'float' };

export const UNARY_OPERATORS = ['Abs', 'Log', 'Sign'] as const;
export const BINARY_OPERATORS = ['Add', 'Sub', 'Mul', 'Div', 'Power', 'Greater', 'Less', 'Gt', 'Lt', 'Ge', 'Le', 'Eq', 'Ne'] as const;
/** Rolling operators over one series and a window N (N = 0: expanding, Qlib's convention). */
export const ROLLING_OPERATORS = [
  'Mean', 'Sum', 'Std', 'Var', 'Skew', 'Kurt', 'Max', 'Min', 'Med', 'Mad', 'Rank', 'Count',
  'IdxMax', 'IdxMin', 'Slope', 'Rsquare', 'Resi', 'WMA', 'EMA', 'Delta', 'Ref', 'Quantile',
] as const;
export const PAIR_ROLLING_OPERATORS = ['Corr', 'Cov'] as const;

export type UnaryOperator = (typeof UNARY_OPERATORS)[number];
export type BinaryOperatorName = (typeof BINARY_OPERATORS)[number];
export type RollingOperator = (typeof ROLLING_OPERATORS)[number];
export type PairRollingOperator = (typeof PAIR_ROLLING_OPERATORS)[number];
export type OperatorName = UnaryOperator | BinaryOperatorName | RollingOperator | PairRollingOperator | 'If';

/** Comparison operators: boolean results, NaN compares false. */
export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['Gt', 'Lt', 'Ge', 'Le', 'Eq', 'Ne']);

/** Qlib operators that exist but that this engine does not implement (a clear error instead of "unknown"). */
export const UNSUPPORTED_QLIB_OPERATORS: ReadonlySet<string> = new Set([
  'And', 'Or', 'Not', 'Mask', 'ChangeInstrument', 'TResample', 'P', 'PRef', 'Rolling', 'Feature', 'PFeature',
]);

/** How each call is written, for arity errors. */
export const OPERATOR_USAGE: Record<OperatorName, string> = {
  Abs: 'Abs(x)', Log: 'Log(x)', Sign: 'Sign(x)',
  Add: 'Add(a, b)', Sub: 'Sub(a, b)', Mul: 'Mul(a, b)', Div: 'Div(a, b)', Power: 'Power(a, b)',
  Greater: 'Greater(a, b)', Less: 'Less(a, b)',
  Gt: 'Gt(a, b)', Lt: 'Lt(a, b)', Ge: 'Ge(a, b)', Le: 'Le(a, b)', Eq: 'Eq(a, b)', Ne: 'Ne(a, b)',
  If: 'If(condition, a, b)',
  Mean: 'Mean(x, N)', Sum: 'Sum(x, N)', Std: 'Std(x, N)', Var: 'Var(x, N)', Skew: 'Skew(x, N)', Kurt: 'Kurt(x, N)',
  Max: 'Max(x, N)', Min: 'Min(x, N)', Med: 'Med(x, N)', Mad: 'Mad(x, N)', Rank: 'Rank(x, N)', Count: 'Count(x, N)',
  IdxMax: 'IdxMax(x, N)', IdxMin: 'IdxMin(x, N)', Slope: 'Slope(x, N)', Rsquare: 'Rsquare(x, N)', Resi: 'Resi(x, N)',
  WMA: 'WMA(x, N)', EMA: 'EMA(x, N)', Delta: 'Delta(x, N)', Ref: 'Ref(x, N)', Quantile: 'Quantile(x, N, q)',
  Corr: 'Corr(a, b, N)', Cov: 'Cov(a, b, N)',
};

/** Every operator name the engine knows. */
export const ALL_OPERATORS: ReadonlySet<string> = new Set(Object.keys(OPERATOR_USAGE));

/** A dtype, or why Qlib's result cannot be reproduced. */
export type DTypeResult = DType | { unsupported: string };

/** Result dtype of an element-wise binary operator (numpy/pandas promotion with Python scalars). */
export function binaryResultType(op: BinaryOperatorName, a: OperandType, b: OperandType): DTypeResult {
  if (COMPARISON_OPERATORS.has(op)) return 'bool';
  const sa = 'series' in a ? a.series : null;
  const sb = 'series' in b ? b.series : null;
  if (sa && sb) return seriesPair(op, sa, sb);
  const s = (sa ?? sb)!;
  const c = 'constant' in a ? a.constant : (b as { constant: 'int' | 'float' }).constant;
  if (s === 'f64' || s === 'f32') return s;
  if (c === 'float') return 'f64';
  if (op === 'Div') return 'f64';
  if (op === 'Power') return { unsupported: `Power of a ${dtypeName(s)} series and a whole number is an int8 array in Qlib` };
  return 'int';
}

function seriesPair(op: BinaryOperatorName, a: DType, b: DType): DTypeResult {
  if (a === 'f64' || b === 'f64') return 'f64';
  if (a === 'f32' || b === 'f32') return a === 'int' || b === 'int' ? 'f64' : 'f32';
  if (a === 'bool' && b === 'bool') {
    if (op === 'Add' || op === 'Mul' || op === 'Greater' || op === 'Less') return 'bool';
    return { unsupported: `${op} of two comparisons raises in numpy (boolean ${op === 'Sub' ? 'subtract' : op})` };
  }
  if (op === 'Div') return 'f64';
  if (op === 'Power') return { unsupported: 'Power of integer series is not supported' };
  return 'int';
}

/** Result dtype of If(condition, a, b): numpy's where() promotion. */
export function whereResultType(a: OperandType, b: OperandType): DType {
  const sa = 'series' in a ? a.series : null;
  const sb = 'series' in b ? b.series : null;
  if (sa && sb) {
    if (sa === sb) return sa;
    if (sa === 'f64' || sb === 'f64') return 'f64';
    if (sa === 'f32' || sb === 'f32') return sa === 'int' || sb === 'int' ? 'f64' : 'f32';
    return 'int';
  }
  if (!sa && !sb) {
    return (a as { constant: string }).constant === 'int' && (b as { constant: string }).constant === 'int' ? 'int' : 'f64';
  }
  const s = (sa ?? sb)!;
  const c = 'constant' in a ? a.constant : (b as { constant: 'int' | 'float' }).constant;
  if (s === 'f64' || s === 'f32') return s;
  return c === 'int' ? 'int' : 'f64';
}

/** Result dtype of Abs, Log, Sign. */
export function unaryResultType(op: UnaryOperator, x: DType): DTypeResult {
  if (op === 'Sign') return 'f32'; // Qlib casts to float32 before np.sign
  if (op === 'Abs') return x;
  if (x === 'bool') return { unsupported: 'Log of a comparison is a float16 array in Qlib' };
  return x === 'int' ? 'f64' : x;
}

/** Result dtype of Ref and Delta (a shift introduces NaN, so integers become float64 and booleans objects). */
export function shiftResultType(op: 'Ref' | 'Delta', x: DType, n: number): DTypeResult {
  if (n === 0) {
    if (op === 'Delta' && x === 'bool') return { unsupported: 'Delta of a comparison raises in numpy (boolean subtract)' };
    return x;
  }
  if (x === 'bool') return { unsupported: `${op} of a comparison is a numpy object array in Qlib; use If(condition, 1, 0)` };
  return x === 'int' ? 'f64' : x;
}

/** A readable dtype name for messages. */
export function dtypeName(d: DType): string {
  return { bool: 'boolean', int: 'integer', f32: 'float32', f64: 'float64' }[d];
}
