/**
 * Element-wise steps with numpy's semantics for Qlib's dtypes. Values travel as float64; a float32
 * result is rounded after every step (Math.fround gives exactly numpy's float32 result for + - * /,
 * which are correctly rounded in both precisions), and a Python number meeting a float32 series is
 * first rounded to float32, as numpy's value-based casting does (`$volume+1e-12` adds float32(1e-12)).
 * Booleans are 0/1, integers exact doubles.
 */
import type { BinaryOperatorName, DType } from '../expression/operator-catalog.ts';
import { numpyLogFloat32 } from '../kernels/numpy-float32-log.ts';

const fround = Math.fround;

/** A binary operand: a series buffer, or a number broadcast to every row. */
export type Operand = { values: Float64Array } | { constant: number };

/** The dtype numpy computes a comparison in (the promoted operand type). */
export function comparisonDtype(a: DType | 'int-const' | 'float-const', b: DType | 'int-const' | 'float-const'): DType {
  const rank = (d: string) => (d === 'f64' ? 4 : d === 'f32' ? 3 : d === 'int' || d === 'int-const' ? 2 : d === 'float-const' ? 1 : 0);
  if (a === 'f64' || b === 'f64') return 'f64';
  if (a === 'f32' || b === 'f32') return a === 'int' || b === 'int' ? 'f64' : 'f32';
  return rank(a) >= 1 || rank(b) >= 1 ? 'f64' : 'bool';
}

/**
 * out[i] = a op b for i in [lo, hi). `dtype` is the dtype the operation is computed in: the result
 * dtype for arithmetic, the promoted operand dtype for comparisons (which yield 0/1).
 */
export function binaryStep(op: BinaryOperatorName, a: Operand, b: Operand, dtype: DType, lo: number, hi: number, out: Float64Array): void {
  const f32 = dtype === 'f32';
  const av = 'values' in a ? a.values : null;
  const bv = 'values' in b ? b.values : null;
  const ac = 'constant' in a ? (f32 ? fround(a.constant) : a.constant) : 0;
  const bc = 'constant' in b ? (f32 ? fround(b.constant) : b.constant) : 0;
  if (dtype === 'bool' && (op === 'Add' || op === 'Mul' || op === 'Greater' || op === 'Less')) {
    // numpy bool arithmetic: + and maximum are "or", * and minimum are "and".
    const or = op === 'Add' || op === 'Greater';
    for (let i = lo; i < hi; i++) {
      const x = av ? av[i]! : ac;
      const y = bv ? bv[i]! : bc;
      out[i] = or ? (x || y ? 1 : 0) : x && y ? 1 : 0;
    }
    return;
  }
  if (op === 'Add' || op === 'Sub' || op === 'Mul' || op === 'Div') {
    arithmetic(op, av, bv, ac, bc, f32, lo, hi, out);
    return;
  }
  for (let i = lo; i < hi; i++) {
    const x = av ? av[i]! : ac;
    const y = bv ? bv[i]! : bc;
    out[i] = f32 ? fround(scalar(op, x, y)) : scalar(op, x, y);
  }
}

/** + - * / with the float32 rounding and the operand shape decided outside the loops. */
function arithmetic(
  op: 'Add' | 'Sub' | 'Mul' | 'Div', av: Float64Array | null, bv: Float64Array | null, ac: number, bc: number,
  f32: boolean, lo: number, hi: number, out: Float64Array,
): void {
  if (av && bv) {
    if (f32) {
      if (op === 'Add') for (let i = lo; i < hi; i++) out[i] = fround(av[i]! + bv[i]!);
      else if (op === 'Sub') for (let i = lo; i < hi; i++) out[i] = fround(av[i]! - bv[i]!);
      else if (op === 'Mul') for (let i = lo; i < hi; i++) out[i] = fround(av[i]! * bv[i]!);
      else for (let i = lo; i < hi; i++) out[i] = fround(av[i]! / bv[i]!);
    } else if (op === 'Add') for (let i = lo; i < hi; i++) out[i] = av[i]! + bv[i]!;
    else if (op === 'Sub') for (let i = lo; i < hi; i++) out[i] = av[i]! - bv[i]!;
    else if (op === 'Mul') for (let i = lo; i < hi; i++) out[i] = av[i]! * bv[i]!;
    else for (let i = lo; i < hi; i++) out[i] = av[i]! / bv[i]!;
    return;
  }
  // one side is a number: broadcast it through a one-element view of the loop
  const series = (av ?? bv)!;
  const c = av ? bc : ac;
  const left = !av; // the number is the left operand
  if (op === 'Add') for (let i = lo; i < hi; i++) out[i] = series[i]! + c;
  else if (op === 'Mul') for (let i = lo; i < hi; i++) out[i] = series[i]! * c;
  else if (op === 'Sub') {
    if (left) for (let i = lo; i < hi; i++) out[i] = c - series[i]!;
    else for (let i = lo; i < hi; i++) out[i] = series[i]! - c;
  } else if (left) for (let i = lo; i < hi; i++) out[i] = c / series[i]!;
  else for (let i = lo; i < hi; i++) out[i] = series[i]! / c;
  if (f32) for (let i = lo; i < hi; i++) out[i] = fround(out[i]!);
}

function scalar(op: BinaryOperatorName, x: number, y: number): number {
  switch (op) {
    case 'Greater': // np.maximum: NaN if either is NaN; the first argument on ties (signed zeros)
      return x >= y || x !== x ? x : y;
    case 'Less':
      return x <= y || x !== x ? x : y;
    case 'Power':
      return cPow(x, y);
    case 'Gt':
      return x > y ? 1 : 0;
    case 'Lt':
      return x < y ? 1 : 0;
    case 'Ge':
      return x >= y ? 1 : 0;
    case 'Le':
      return x <= y ? 1 : 0;
    case 'Eq':
      return x === y ? 1 : 0;
    case 'Ne':
      return x !== y ? 1 : 0;
    default:
      throw new Error(`not an element-wise operator: ${op}`);
  }
}

/** C's pow special cases where JavaScript differs: pow(1, y) = 1 and pow(-1, ±inf) = 1. */
function cPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** out[i] = op(x[i]) for Abs, Log, Sign. `dtype` is the input dtype. */
export function unaryStep(op: 'Abs' | 'Log' | 'Sign', x: Float64Array, dtype: DType, lo: number, hi: number, out: Float64Array): void {
  if (op === 'Abs') {
    for (let i = lo; i < hi; i++) out[i] = Math.abs(x[i]!);
  } else if (op === 'Sign') {
    // Qlib casts to float32 first; np.sign(-0.0) is +0.0.
    for (let i = lo; i < hi; i++) {
      const v = fround(x[i]!);
      out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN;
    }
  } else if (dtype === 'f32') {
    for (let i = lo; i < hi; i++) out[i] = numpyLogFloat32(x[i]!);
  } else {
    for (let i = lo; i < hi; i++) out[i] = Math.log(x[i]!);
  }
}

/** np.where(cond, a, b) with the result cast to `dtype` (numpy casts a Python number to float32 beside float32). */
export function whereStep(cond: Float64Array, a: Operand, b: Operand, dtype: DType, lo: number, hi: number, out: Float64Array): void {
  const f32 = dtype === 'f32';
  const av = 'values' in a ? a.values : null;
  const bv = 'values' in b ? b.values : null;
  const ac = 'constant' in a ? (f32 ? fround(a.constant) : a.constant) : 0;
  const bc = 'constant' in b ? (f32 ? fround(b.constant) : b.constant) : 0;
  for (let i = lo; i < hi; i++) {
    // truthiness: non-zero, and NaN is true
    out[i] = cond[i] !== 0 ? (av ? av[i]! : ac) : bv ? bv[i]! : bc;
  }
}

/** Ref(x, N): the value N rows earlier (N < 0: later) within [lo, hi); N = 0: the first row's value. */
export function refStep(x: Float64Array, n: number, lo: number, hi: number, out: Float64Array): void {
  if (n === 0) {
    const first = x[lo]!;
    for (let i = lo; i < hi; i++) out[i] = first;
    return;
  }
  for (let i = lo; i < hi; i++) {
    const j = i - n;
    out[i] = j >= lo && j < hi ? x[j]! : NaN;
  }
}

/** Delta(x, N) = x - Ref(x, N) (N = 0: x minus the first value), in the input's dtype. */
export function deltaStep(x: Float64Array, n: number, dtype: DType, lo: number, hi: number, out: Float64Array): void {
  const f32 = dtype === 'f32';
  const first = x[lo]!;
  for (let i = lo; i < hi; i++) {
    const prev = n === 0 ? first : i - n >= lo ? x[i - n]! : NaN;
    out[i] = f32 ? fround(x[i]! - prev) : x[i]! - prev;
  }
}
