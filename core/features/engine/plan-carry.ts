/**
 * How far back each node of a plan must be exact for an incremental build, and which nodes carry a
 * running state between builds. A build of days T+1.. reads `maxDepth` rows before T+1: each node is
 * needed from row T+1 - depth(node), where depth adds up along the paths to the outputs (a Ref or
 * Delta of N adds N, a window of N adds N: the row leaving the window is read too). Running kernels
 * (pandas' sums and variances, Corr/Cov, Qlib's regressions, EWM) resume from the state they had at
 * that row in the previous build, so their float64 values are those of the whole history, bit for bit.
 * A node whose value needs the whole history and has no state to carry makes the plan not resumable.
 */
import type { FeaturePlan, OpNode } from './feature-plan.ts';

export interface PlanCarryShape {
  /** False when some node needs the whole history and cannot carry it (then `reason` says which). */
  resumable: boolean;
  reason: string | null;
  /** Per node: rows before the first output row from which its values must be exact. */
  depth: number[];
  /** Per node: whether its kernel carries a running state. */
  carried: boolean[];
  /** The largest depth (rows of history a resumed build reads before its first day). */
  maxDepth: number;
}

const RUNNING = new Set(['Sum', 'Mean', 'Var', 'Std', 'Corr', 'Cov', 'Slope', 'Rsquare', 'Resi']);
const WINDOWED = new Set(['Max', 'Min', 'IdxMax', 'IdxMin', 'Count', 'Med', 'Quantile', 'Rank', 'Mad', 'WMA']);

const shapes = new WeakMap<FeaturePlan, PlanCarryShape>();

/** The carry shape of a plan (memoised). */
export function planCarryShape(plan: FeaturePlan): PlanCarryShape {
  let s = shapes.get(plan);
  if (!s) {
    s = compute(plan);
    shapes.set(plan, s);
  }
  return s;
}

/** Whether a node's kernel carries state (a one-row window of a running sum holds none). */
export function carriesState(node: OpNode): boolean {
  const n = node.params[0] ?? 0;
  if (node.op === 'EMA') return n !== 0;
  if (!RUNNING.has(node.op)) return false;
  return !(n === 1 && (node.op === 'Sum' || node.op === 'Mean' || node.op === 'Var' || node.op === 'Std'));
}

/** Rows before the current one a node reads from its operands, or null when it needs all of them and carries no state. */
function distance(node: OpNode): number | null {
  const n = node.params[0] ?? 0;
  switch (node.op) {
    case 'Ref':
    case 'Delta':
      return n > 0 ? n : null; // N = 0 reads the series' first row; N < 0 looks ahead
    case 'Skew':
    case 'Kurt':
      return null; // pandas subtracts the mean of the whole loaded series
    case 'EMA':
      return n === 0 ? null : 0;
    default:
      break;
  }
  if (RUNNING.has(node.op)) return n === 0 ? 0 : n;
  if (WINDOWED.has(node.op)) return n === 0 ? null : n;
  return 0; // element-wise, comparisons, If
}

function compute(plan: FeaturePlan): PlanCarryShape {
  const depth = plan.nodes.map(() => -1);
  const carried = plan.nodes.map((n) => n.kind === 'op' && carriesState(n));
  for (const o of plan.outputs) depth[o] = 0;
  let reason: string | null = null;
  // nodes are in topological order (operands first), so walking backwards visits readers first
  for (let id = plan.nodes.length - 1; id >= 0; id--) {
    const node = plan.nodes[id]!;
    const d = depth[id]!;
    if (node.kind !== 'op' || d < 0) continue;
    const dist = distance(node);
    if (dist === null) {
      reason ??= `${node.key} needs the whole history`;
      continue;
    }
    for (const o of node.operands) if ('node' in o) depth[o.node] = Math.max(depth[o.node]!, d + dist);
    for (const m of node.masks) depth[m] = Math.max(depth[m]!, d);
  }
  const fixed = depth.map((d) => Math.max(d, 0));
  return { resumable: reason === null, reason, depth: fixed, carried, maxDepth: Math.max(0, ...fixed) };
}
