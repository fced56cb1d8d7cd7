import { PLAN_NAMES } from '../../../config/config-schema.ts';

// What the client knows about Massive's plans (polygon-massive.md, "Rate limits" and "Plan gating"):
// the free Basic plan allows 5 requests a minute and about 2 years of history; paid plans are
// unlimited ("we recommend staying under 100 requests per second"). The simulator keeps its own
// table on purpose: a test server must not share the client's assumptions.

/** A plan name as the config spells it, cheapest first. */
export type PlanName = (typeof PLAN_NAMES)[number];

/** Plans in price order, so "the cheapest plan at or above X" is a search. */
export const PLAN_ORDER: readonly PlanName[] = PLAN_NAMES;

/** Requests a minute the basic plan is allowed. */
export const BASIC_REQUESTS_PER_MINUTE = 5;

/** Default ceiling for paid plans, below Massive's recommended 100 requests a second. */
export const DEFAULT_PAID_REQUESTS_PER_SECOND = 50;

/** Years of REST history a plan reaches back (null = all history). */
export const PLAN_HISTORY_YEARS: Readonly<Record<PlanName, number | null>> = {
  basic: 2,
  starter: 5,
  developer: 10,
  advanced: null,
  business: null,
};

/** True when `plan` is `minimum` or a more expensive plan. */
export function planIncludes(plan: PlanName, minimum: PlanName): boolean {
  return PLAN_ORDER.indexOf(plan) >= PLAN_ORDER.indexOf(minimum);
}

/** The cheapest plan reaching `years` back (null = all history). */
export function planReachingYears(years: number | null): PlanName {
  for (const plan of PLAN_ORDER) {
    const reach = PLAN_HISTORY_YEARS[plan];
    if (reach === null || (years !== null && reach >= years)) return plan;
  }
  return 'advanced';
}
