/**
 * Compiles a list of resolved expressions into one evaluation plan: a DAG whose nodes are keyed by
 * the canonical form (Qlib's `str(expression)`), so a sub-expression that appears in many features
 * (Alpha158 uses `Ref($close, 1)` in dozens) is computed once per instrument. Nodes are ordered
 * topologically and each knows the last step that reads it, so the evaluator can recycle buffers.
 * Qlib's masks are explicit dependencies: Corr and Rsquare read the rolling Std of their inputs,
 * which is then shared with any Std feature of the same window.
 */
import type { DType, OperatorName } from '../expression/operator-catalog.ts';
import type { Expr, SeriesExpr } from '../expression/expression-resolver.ts';

/** An operand of a plan step: another node, or a number. */
export type PlanOperand = { node: number } | { constant: number; isInt: boolean };

export interface FieldNode {
  kind: 'field';
  id: number;
  key: string;
  field: string;
  dtype: 'f32';
}

export interface OpNode {
  kind: 'op';
  id: number;
  key: string;
  op: OperatorName;
  dtype: DType;
  operands: PlanOperand[];
  params: number[];
  /** Helper nodes read by this step: the rolling Std of each input for Corr and Rsquare masks. */
  masks: number[];
}

export type PlanNode = FieldNode | OpNode;

export interface FeaturePlan {
  nodes: PlanNode[];
  /** Node id of each output, in output order. */
  outputs: number[];
  /** Fields read (lowercase), in first-use order. */
  fields: string[];
  /** For each node, the index of the last node whose step reads it (-1: only an output). */
  lastUse: number[];
}

/** Builds the shared plan for `exprs` (outputs in the given order). */
export function buildPlan(exprs: readonly SeriesExpr[]): FeaturePlan {
  const nodes: PlanNode[] = [];
  const byKey = new Map<string, number>();
  const fields: string[] = [];

  const add = (e: Exclude<Expr, { kind: 'const' }>): number => {
    const hit = byKey.get(e.key);
    if (hit !== undefined) return hit;
    let node: PlanNode;
    if (e.kind === 'field') {
      if (!fields.includes(e.name)) fields.push(e.name);
      node = { kind: 'field', id: nodes.length, key: e.key, field: e.name, dtype: 'f32' };
    } else {
      const operands: PlanOperand[] = e.args.map((a) => (a.kind === 'const' ? { constant: a.value, isInt: a.isInt } : { node: add(a) }));
      const masks: number[] = [];
      const n = e.params[0] ?? 0;
      if (e.op === 'Corr' || (e.op === 'Rsquare' && n !== 0)) {
        for (const a of e.args) if (a.kind !== 'const') masks.push(add(stdOf(a, n)));
      }
      node = { kind: 'op', id: nodes.length, key: e.key, op: e.op, dtype: e.dtype, operands, params: e.params, masks };
    }
    nodes.push(node);
    byKey.set(e.key, node.id);
    return node.id;
  };

  const outputs = exprs.map((e) => add(e));
  const lastUse = new Array<number>(nodes.length).fill(-1);
  for (const node of nodes) {
    if (node.kind !== 'op') continue;
    for (const o of node.operands) if ('node' in o) lastUse[o.node] = node.id;
    for (const m of node.masks) lastUse[m] = node.id;
  }
  return { nodes, outputs, fields, lastUse };
}

/** The rolling Std node Qlib computes for a Corr/Rsquare mask. */
function stdOf(x: SeriesExpr, n: number): SeriesExpr {
  return { kind: 'op', op: 'Std', args: [x], params: [n], key: `Std(${x.key},${n})`, dtype: 'f64' };
}
