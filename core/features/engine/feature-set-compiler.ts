/**
 * A compiled feature set: named expressions resolved and checked, their windows analysed, and one
 * shared evaluation plan. `evaluateInstrument` runs it over one instrument's columns; evaluators are
 * cached per compiled set (one per thread), so repeated calls reuse their buffers.
 */
import { compileExpression, type SeriesExpr } from '../expression/expression-resolver.ts';
import { windowInfo, type WindowInfo } from '../expression/window-analysis.ts';
import { buildPlan, type FeaturePlan } from './feature-plan.ts';
import { createPlanEvaluator, type InstrumentInput, type InstrumentOutput, type PlanEvaluator } from './plan-evaluator.ts';

/** One named expression. */
export interface FeatureDefinition {
  name: string;
  expression: string;
}

export interface CompiledFeatureSet {
  /** Output names in order (features, then labels). */
  names: string[];
  /** The expressions as written. */
  sources: string[];
  /** Resolved expressions; `expressions[k].key` is the canonical form (Qlib's str()). */
  expressions: SeriesExpr[];
  /** Per-output windows (lookback, lookahead, Ref depth, Qlib's load extension). */
  windows: WindowInfo[];
  /** Fields read (lowercase, first-use order). */
  fields: string[];
  /** Largest lookback over the outputs (Infinity if any output needs the whole history). */
  lookback: number;
  /** Largest lookahead (rows after the current one: negative Ref). */
  lookahead: number;
  /** Largest total Ref depth. */
  refDepth: number;
  plan: FeaturePlan;
}

/** Resolves, checks and plans a list of named expressions; throws ExpressionError naming the feature. */
export function compileFeatures(defs: readonly FeatureDefinition[], options: { knownFields?: ReadonlySet<string> } = {}): CompiledFeatureSet {
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name)) throw new Error(`feature ${d.name} is defined twice`);
    seen.add(d.name);
  }
  const expressions = defs.map((d) => compileExpression(d.expression, { knownFields: options.knownFields, feature: d.name }));
  const windows = expressions.map((e) => windowInfo(e));
  const plan = buildPlan(expressions);
  return {
    names: defs.map((d) => d.name),
    sources: defs.map((d) => d.expression),
    expressions,
    windows,
    fields: plan.fields,
    lookback: Math.max(0, ...windows.map((w) => w.lookback)),
    lookahead: Math.max(0, ...windows.map((w) => w.lookahead)),
    refDepth: Math.max(0, ...windows.map((w) => w.refDepth)),
    plan,
  };
}

const evaluators = new WeakMap<FeaturePlan, PlanEvaluator>();

/** The evaluator of a plan in this thread (created on first use, then reused). */
export function evaluatorFor(plan: FeaturePlan): PlanEvaluator {
  let ev = evaluators.get(plan);
  if (!ev) {
    ev = createPlanEvaluator(plan);
    evaluators.set(plan, ev);
  }
  return ev;
}

/**
 * Evaluates every output of `compiled` over one instrument's rows. Fields are float32 columns of
 * `input.length` rows (or FieldColumns covering part of them); a missing field is all NaN, as in Qlib.
 */
export function evaluateInstrument(compiled: CompiledFeatureSet, input: InstrumentInput): InstrumentOutput {
  return evaluatorFor(compiled.plan).evaluate(input);
}

const subsetPlans = new WeakMap<CompiledFeatureSet, Map<string, FeaturePlan>>();

/** A plan computing only the outputs at `indices` (cached), for evaluating groups of outputs separately. */
export function planForOutputs(compiled: CompiledFeatureSet, indices: readonly number[]): FeaturePlan {
  if (indices.length === compiled.expressions.length) return compiled.plan;
  let byKey = subsetPlans.get(compiled);
  if (!byKey) {
    byKey = new Map();
    subsetPlans.set(compiled, byKey);
  }
  const key = indices.join(',');
  let plan = byKey.get(key);
  if (!plan) {
    plan = buildPlan(indices.map((i) => compiled.expressions[i]!));
    byKey.set(key, plan);
  }
  return plan;
}
