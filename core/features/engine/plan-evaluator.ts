/**
 * Runs a FeaturePlan over one instrument's rows. Every node is computed once into a float64 buffer
 * taken from a pool and returned after its last reader, so the working set stays a few dozen
 * columns whatever the number of features. Each node also carries the rows it covers ([lo, hi)),
 * as a pandas series carries its index: a field covers the rows of its bin file, element-wise steps
 * cover the union of their operands (pandas aligns on the calendar index; rows missing on one side
 * are NaN), and rolling windows are truncated at the first row of their input.
 */
import type { BinaryOperatorName, DType } from '../expression/operator-catalog.ts';
import { binaryStep, comparisonDtype, deltaStep, refStep, unaryStep, whereStep, type Operand } from './elementwise.ts';
import type { FeaturePlan, OpNode, PlanOperand } from './feature-plan.ts';
import { expandingEmaApply, ewmMean, rollingMad, rollingWma } from '../kernels/rolling-apply.ts';
import { rollingKurt, rollingSkew } from '../kernels/rolling-moments.ts';
import { rankValues, rollingArgExtreme, sortedWindowStats, usesValueRanks, type WindowStat, rollingExtreme, rollingQuantile, rollingRank, type ValueRanks } from '../kernels/rolling-order.ts';
import { pairScratch, rollingPair, type PairScratch } from '../kernels/rolling-pair.ts';
import { rollingCount, rollingMean, rollingStd, rollingSum, rollingVar } from '../kernels/rolling-sums.ts';
import { rollingRegression } from '../kernels/regression.ts';
import type { KernelCarry } from '../kernels/kernel-carry.ts';
import { planCarryShape } from './plan-carry.ts';

/** A field's values for rows [offset, offset + values.length) of the instrument's rows. */
export interface FieldColumn {
  offset: number;
  values: Float32Array;
}

/** One instrument's input: `length` rows; a field is a full-length column, a FieldColumn, or absent (all NaN). */
export interface InstrumentInput {
  length: number;
  fields: Readonly<Record<string, Float32Array | FieldColumn | null | undefined>>;
}

/** One instrument's output: one float32 column per output (NaN outside its rows) and the rows that exist. */
export interface InstrumentOutput {
  columns: Float32Array[];
  /** Rows [lo, hi) covered by at least one output (the rows of Qlib's result frame); lo === hi when none. */
  lo: number;
  hi: number;
}

/** Raised when an instrument's data cannot be evaluated the way Qlib would (the message names the rows). */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

/** Receives output k's float64 values for rows [lo, hi) as soon as they are computed (valid only during the call). */
export type OutputSink = (output: number, values: Float64Array, lo: number, hi: number) => void;

/** A running node's state after some row, and the absolute row its series starts at. */
export interface NodeState {
  state: Float64Array;
  absLo: number;
}

/**
 * An evaluation that resumes from and/or saves the running states of a plan (see plan-carry.ts).
 * Rows are absolute (calendar indices); the input's row 0 is `base`.
 */
export interface CarryRun {
  base: number;
  /** First output row computed from `states` (the row after the previous build's last day); -1: start at the series start. */
  resumeAt: number;
  /** Per node, the state saved by the previous build (null: the node's series had not started). */
  states: readonly (NodeState | null)[] | null;
  /** Last output row of this build, after which states are saved (-1: none). */
  saveAfter: number;
  /** Filled in: per node, the state to resume the next build from. */
  saved: (NodeState | null)[];
}

/** Raised when carried states do not fit the rows given (the caller evaluates from the series start instead). */
export class CarryMismatch extends Error {
  override name = 'CarryMismatch';
}

/** An evaluator for one plan, reusable across instruments (it keeps its buffers). */
export interface PlanEvaluator {
  /** Evaluates into fresh float32 columns. */
  evaluate(input: InstrumentInput): InstrumentOutput;
  /**
   * Evaluates, handing each output to `sink` (no column allocation); returns the rows covered. With
   * `run`, running kernels resume from and save their states (only rows >= run.resumeAt are exact).
   */
  evaluateInto(input: InstrumentInput, sink: OutputSink, run?: CarryRun): { lo: number; hi: number };
}

const CORR_STD_ATOL = 2e-5; // Qlib: np.isclose(rolling std, 0, atol=2e-05)

/** Creates an evaluator for `plan`. */
export function createPlanEvaluator(plan: FeaturePlan): PlanEvaluator {
  let capacity = 0;
  let pool: Float64Array[] = [];
  let scratch: PairScratch | null = null;
  const buffers: (Float64Array | null)[] = new Array(plan.nodes.length).fill(null);
  const lo = new Int32Array(plan.nodes.length);
  const hi = new Int32Array(plan.nodes.length);
  const outputsOf: number[][] = plan.nodes.map(() => []);
  plan.outputs.forEach((node, k) => outputsOf[node]!.push(k));
  const rankCache = new Map<number, ValueRanks>();
  const siblings = orderStatSiblings(plan);
  // pandas' prepared copy of a node (±inf -> NaN): the node's own buffer when it holds no infinity.
  const prepared: (Float64Array | null)[] = new Array(plan.nodes.length).fill(null);

  const take = (): Float64Array => pool.pop() ?? new Float64Array(capacity);
  const release = (id: number) => {
    const b = buffers[id];
    if (b) {
      pool.push(b);
      buffers[id] = null;
    }
    const p = prepared[id];
    if (p) {
      if (p !== b) pool.push(p);
      prepared[id] = null;
    }
  };

  let activeRun: CarryRun | null = null;
  const evaluateInto = (input: InstrumentInput, sink: OutputSink, run?: CarryRun): { lo: number; hi: number } => {
    const length = input.length;
    activeRun = run ?? null;
    if (run) run.saved = plan.nodes.map(() => null);
    if (length > capacity) {
      capacity = Math.max(length, Math.ceil(capacity * 1.5));
      pool = [];
      scratch = null;
    }
    scratch ??= pairScratch(capacity);
    rankCache.clear();
    let rowsLo = length;
    let rowsHi = 0;
    try {
      for (const node of plan.nodes) {
        let out = buffers[node.id];
        if (!out) {
          // (a node can already be computed: order statistics sharing a window are done in one pass)
          out = take();
          buffers[node.id] = out;
          if (node.kind === 'field') loadField(input.fields[node.field], length, out, node.id);
          else runOp(node, out);
        }
        if (outputsOf[node.id]!.length) {
          for (const k of outputsOf[node.id]!) sink(k, out, lo[node.id]!, hi[node.id]!);
          if (hi[node.id]! > lo[node.id]!) {
            rowsLo = Math.min(rowsLo, lo[node.id]!);
            rowsHi = Math.max(rowsHi, hi[node.id]!);
          }
        }
        if (node.kind === 'op') {
          for (const o of node.operands) if ('node' in o && plan.lastUse[o.node] === node.id) release(o.node);
          for (const m of node.masks) if (plan.lastUse[m] === node.id) release(m);
        }
        if (plan.lastUse[node.id] === -1) release(node.id);
      }
    } finally {
      for (let i = 0; i < buffers.length; i++) release(i);
      activeRun = null;
    }
    return { lo: rowsLo < rowsHi ? rowsLo : 0, hi: rowsLo < rowsHi ? rowsHi : 0 };

    function loadField(col: Float32Array | FieldColumn | null | undefined, len: number, out: Float64Array, id: number): void {
      if (!col) {
        lo[id] = 0;
        hi[id] = 0;
        return;
      }
      const values = col instanceof Float32Array ? col : col.values;
      const offset = col instanceof Float32Array ? 0 : col.offset;
      if (offset < 0 || offset + values.length > len) {
        throw new EvaluationError(`field rows ${offset}..${offset + values.length} fall outside the instrument's ${len} rows`);
      }
      lo[id] = offset;
      hi[id] = offset + values.length;
      for (let i = 0; i < values.length; i++) out[offset + i] = values[i]!;
    }
  };

  const evaluator: PlanEvaluator = {
    evaluateInto,
    evaluate(input) {
      const columns = plan.outputs.map(() => new Float32Array(input.length).fill(NaN));
      const rows = evaluateInto(input, (k, values, l, h) => {
        const col = columns[k]!;
        for (let i = l; i < h; i++) col[i] = values[i]!;
      });
      return { columns, ...rows };
    },
  };
  return evaluator;

  /** The node's values as pandas' rolling functions see them (±inf as NaN), computed once per node. */
  function prep(id: number): Float64Array {
    let p = prepared[id];
    if (p) return p;
    const b = buffers[id]!;
    const l = lo[id]!;
    const h = hi[id]!;
    let i = l;
    while (i < h && b[i] !== Infinity && b[i] !== -Infinity) i++;
    if (i === h) {
      p = b;
    } else {
      p = take();
      for (let j = l; j < h; j++) {
        const v = b[j]!;
        p[j] = v === Infinity || v === -Infinity ? NaN : v;
      }
    }
    prepared[id] = p;
    return p;
  }

  function operand(o: PlanOperand): Operand {
    return 'node' in o ? { values: buffers[o.node]! } : { constant: o.constant };
  }

  function operandDtype(o: PlanOperand): DType | 'int-const' | 'float-const' {
    return 'node' in o ? plan.nodes[o.node]!.dtype : o.isInt ? 'int-const' : 'float-const';
  }

  /** The union of the operands' rows; operands narrower than it are padded with NaN (as pandas aligns). */
  function alignOperands(node: OpNode): [number, number] {
    let l = Infinity;
    let h = -Infinity;
    for (const o of node.operands) {
      if (!('node' in o) || hi[o.node]! <= lo[o.node]!) continue;
      l = Math.min(l, lo[o.node]!);
      h = Math.max(h, hi[o.node]!);
    }
    if (l === Infinity) return [0, 0];
    for (const o of node.operands) {
      if (!('node' in o)) continue;
      const ol = hi[o.node]! > lo[o.node]! ? lo[o.node]! : h;
      const oh = hi[o.node]! > lo[o.node]! ? hi[o.node]! : h;
      if (ol === l && oh === h) continue;
      const dt = plan.nodes[o.node]!.dtype;
      if (dt !== 'f32' && dt !== 'f64') {
        throw new EvaluationError(`${node.key}: a ${dt === 'bool' ? 'comparison' : 'integer'} operand covers fewer rows than the other; Qlib would make it an object array`);
      }
      if (oh < l || ol > h) throw new EvaluationError(`${node.key}: operands cover disjoint rows`);
      const b = buffers[o.node]!;
      for (let i = l; i < ol; i++) b[i] = NaN;
      for (let i = oh; i < h; i++) b[i] = NaN;
    }
    return [l, h];
  }

  function sameRows(node: OpNode): [number, number] {
    let first: [number, number] | null = null;
    for (const o of node.operands) {
      if (!('node' in o)) continue;
      const r: [number, number] = [lo[o.node]!, hi[o.node]!];
      if (!first) first = r;
      else if (first[0] !== r[0] || first[1] !== r[1]) {
        throw new EvaluationError(`${node.key}: operands cover different rows (${first[0]}..${first[1]} and ${r[0]}..${r[1]}); Qlib cannot evaluate this either`);
      }
    }
    return first ?? [0, 0];
  }

  /**
   * The kernel carry of a running node in a carried evaluation, and the series start it sees (negative
   * when the series started before the rows held). Undefined when the evaluation carries nothing.
   */
  function carryOf(node: OpNode, l: number, h: number, out: Float64Array): { carry: KernelCarry; lo: number } | undefined {
    const run = activeRun;
    if (!run || h <= l) return undefined;
    const shape = planCarryShape(plan);
    if (!shape.carried[node.id]) return undefined;
    const depth = shape.depth[node.id]!;
    const saveAt = run.saveAfter >= 0 ? run.saveAfter - depth - run.base : -1;
    const prior = run.states?.[node.id] ?? null;
    if (run.resumeAt < 0) return { carry: { state: null, from: l, saveAt, saved: null }, lo: l };
    const from = run.resumeAt - depth - run.base;
    if (!prior) {
      // no state: the series must start at or after the resume row, so all of it is here
      if (l + run.base < run.resumeAt - depth) throw new CarryMismatch(`${node.key}: no carried state, but its rows start before the resume row`);
      return { carry: { state: null, from: l, saveAt, saved: null }, lo: l };
    }
    const lo = prior.absLo - run.base;
    if (from < l || lo > l) throw new CarryMismatch(`${node.key}: carried state does not fit rows ${l}..${h} (resume at ${from})`);
    out.fill(NaN, l, Math.min(from, h));
    return { carry: { state: prior.state, from, saveAt, saved: null }, lo };
  }

  /** Keeps a running node's saved state (with its absolute series start) for the next build. */
  function keepCarry(node: OpNode, c: { carry: KernelCarry; lo: number } | undefined): void {
    if (!c || !activeRun || !c.carry.saved) return;
    activeRun.saved[node.id] = { state: c.carry.saved, absLo: c.lo + activeRun.base };
  }

  function runOp(node: OpNode, out: Float64Array): void {
    const id = node.id;
    const n = node.params[0] ?? 0;
    const first = node.operands[0]!;
    const x = 'node' in first ? buffers[first.node]! : null;
    const xl = 'node' in first ? lo[first.node]! : 0;
    const xh = 'node' in first ? hi[first.node]! : 0;
    const setRows = (l: number, h: number) => {
      lo[id] = l;
      hi[id] = h;
    };
    switch (node.op) {
      case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Power': case 'Greater': case 'Less':
      case 'Gt': case 'Lt': case 'Ge': case 'Le': case 'Eq': case 'Ne': {
        const [l, h] = alignOperands(node);
        setRows(l, h);
        const [a, b] = node.operands as [PlanOperand, PlanOperand];
        const compare = node.dtype === 'bool' && !['Add', 'Mul', 'Greater', 'Less'].includes(node.op);
        const dtype = compare ? comparisonDtype(operandDtype(a), operandDtype(b)) : node.dtype;
        binaryStep(node.op as BinaryOperatorName, operand(a), operand(b), dtype, l, h, out);
        return;
      }
      case 'Abs': case 'Log': case 'Sign':
        setRows(xl, xh);
        unaryStep(node.op, x!, plan.nodes[(first as { node: number }).node]!.dtype, xl, xh, out);
        return;
      case 'If': {
        const [l, h] = sameRows(node);
        setRows(l, h);
        const [c, a, b] = node.operands as [PlanOperand, PlanOperand, PlanOperand];
        whereStep(buffers[(c as { node: number }).node]!, operand(a), operand(b), node.dtype, l, h, out);
        return;
      }
      case 'Ref':
        setRows(xl, xh);
        if (xh > xl) refStep(x!, n, xl, xh, out);
        return;
      case 'Delta':
        setRows(xl, xh);
        if (xh > xl) deltaStep(x!, n, plan.nodes[(first as { node: number }).node]!.dtype, xl, xh, out);
        return;
      case 'Corr': case 'Cov': {
        const [l, h] = node.op === 'Corr' ? sameRows(node) : alignOperands(node);
        setRows(l, h);
        if (h <= l) return;
        const b = buffers[(node.operands[1] as { node: number }).node]!;
        const c = carryOf(node, l, h, out);
        rollingPair(x!, b, c?.lo ?? l, h, n, node.op === 'Corr', scratch!, out, c?.carry);
        keepCarry(node, c);
        if (node.op === 'Corr') applyStdMask(node, out, l, h);
        return;
      }
      default:
        break;
    }
    // single-series rolling operators
    setRows(xl, xh);
    if (xh <= xl) return;
    const firstId = (first as { node: number }).node;
    // Qlib's Cython regressions and pandas' count see ±inf; every other rolling function sees NaN there.
    const raw = node.op === 'Count' || node.op === 'Slope' || node.op === 'Rsquare' || node.op === 'Resi';
    const src = raw ? x! : prep(firstId);
    const group = siblings[id];
    if (group) return runSortedWindow(group, src, xl, xh, n);
    const c = carryOf(node, xl, xh, out);
    if (c) {
      runCarried(node, src, c, xh, n, out);
      keepCarry(node, c);
      return;
    }
    switch (node.op) {
      case 'Mean': return rollingMean(src, xl, xh, n, out);
      case 'Sum': return rollingSum(src, xl, xh, n, out);
      case 'Std': return rollingStd(src, xl, xh, n, out);
      case 'Var': return rollingVar(src, xl, xh, n, out);
      case 'Skew': return rollingSkew(src, xl, xh, n, out);
      case 'Kurt': return rollingKurt(src, xl, xh, n, out);
      case 'Max': return rollingExtreme(src, xl, xh, n, true, out);
      case 'Min': return rollingExtreme(src, xl, xh, n, false, out);
      case 'IdxMax': return rollingArgExtreme(src, xl, xh, n, true, out);
      case 'IdxMin': return rollingArgExtreme(src, xl, xh, n, false, out);
      case 'Count': return rollingCount(src, xl, xh, n, out);
      case 'Med': return rollingQuantile(src, xl, xh, n, 0.5, usesValueRanks(n) ? ranksOf(first, src, xl, xh) : null, out, true);
      case 'Quantile':
        return rollingQuantile(src, xl, xh, n, node.params[1]!, usesValueRanks(n) ? ranksOf(first, src, xl, xh) : null, out);
      case 'Rank': return rollingRank(src, xl, xh, n, usesValueRanks(n) ? ranksOf(first, src, xl, xh) : null, out);
      case 'Mad': return rollingMad(src, xl, xh, n, out);
      case 'WMA': return rollingWma(src, xl, xh, n, out);
      case 'EMA': return n === 0 ? expandingEmaApply(src, xl, xh, out) : ewmMean(src, xl, xh, n, out);
      case 'Slope': return rollingRegression(src, xl, xh, n, 'slope', out);
      case 'Resi': return rollingRegression(src, xl, xh, n, 'resi', out);
      case 'Rsquare':
        rollingRegression(src, xl, xh, n, 'rsquare', out);
        if (n !== 0) applyStdMask(node, out, xl, xh);
        return;
      default:
        throw new Error(`operator ${node.op} has no kernel`);
    }
  }

  /** A running single-series kernel with a carried state (the series seen from `c.lo`). */
  function runCarried(node: OpNode, src: Float64Array, c: { carry: KernelCarry; lo: number }, h: number, n: number, out: Float64Array): void {
    const { carry, lo: l } = c;
    switch (node.op) {
      case 'Mean': return rollingMean(src, l, h, n, out, carry);
      case 'Sum': return rollingSum(src, l, h, n, out, carry);
      case 'Std': return rollingStd(src, l, h, n, out, carry);
      case 'Var': return rollingVar(src, l, h, n, out, carry);
      case 'EMA': return ewmMean(src, l, h, n, out, carry);
      case 'Slope': return rollingRegression(src, l, h, n, 'slope', out, carry);
      case 'Resi': return rollingRegression(src, l, h, n, 'resi', out, carry);
      case 'Rsquare':
        rollingRegression(src, l, h, n, 'rsquare', out, carry);
        if (n !== 0) applyStdMask(node, out, Math.max(l, 0), h);
        return;
      default:
        throw new Error(`operator ${node.op} carries no state`);
    }
  }

  /** Computes a group of Quantile/Med/Rank nodes over one input and window in a single pass. */
  function runSortedWindow(group: number[], src: Float64Array, l: number, h: number, n: number): void {
    const stats: WindowStat[] = group.map((g) => {
      const node = plan.nodes[g] as OpNode;
      buffers[g] ??= take();
      lo[g] = l;
      hi[g] = h;
      return { kind: node.op === 'Rank' ? 'rank' : node.op === 'Med' ? 'median' : 'quantile', q: node.params[1] ?? 0.5, out: buffers[g]! };
    });
    sortedWindowStats(src, l, h, n, stats);
  }

  function ranksOf(o: PlanOperand, src: Float64Array, l: number, h: number): ValueRanks {
    const key = (o as { node: number }).node;
    let r = rankCache.get(key);
    if (!r) {
      r = rankValues(src, l, h);
      rankCache.set(key, r);
    }
    return r;
  }

  /** Qlib blanks Corr/Rsquare where the rolling std of an input is within 2e-5 of zero. */
  function applyStdMask(node: OpNode, out: Float64Array, l: number, h: number): void {
    for (const m of node.masks) {
      const std = buffers[m]!;
      const ml = lo[m]!;
      const mh = hi[m]!;
      for (let i = Math.max(l, ml); i < Math.min(h, mh); i++) if (Math.abs(std[i]!) <= CORR_STD_ATOL) out[i] = NaN;
    }
  }
}

/** For each Quantile/Med/Rank node with a short window, the nodes sharing its input and window (if more than one). */
function orderStatSiblings(plan: FeaturePlan): (number[] | null)[] {
  const groups = new Map<string, number[]>();
  for (const node of plan.nodes) {
    if (node.kind !== 'op' || (node.op !== 'Quantile' && node.op !== 'Med' && node.op !== 'Rank')) continue;
    const n = node.params[0]!;
    const input = node.operands[0]!;
    if (usesValueRanks(n) || !('node' in input)) continue;
    const key = `${input.node}:${n}`;
    groups.set(key, [...(groups.get(key) ?? []), node.id]);
  }
  const out: (number[] | null)[] = plan.nodes.map(() => null);
  for (const g of groups.values()) if (g.length > 1) for (const id of g) out[id] = g;
  return out;
}
