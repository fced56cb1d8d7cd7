import type { PlanName } from './rest-plans.ts';

/**
 * Why a REST request failed, as the caller must act on it:
 * - `credentials`: 401, the key is wrong or missing; the run must stop (retrying cannot help).
 * - `not_entitled`: 403, the plan does not include this data; the partition is `not_entitled`.
 * - `not_found`, `bad_request`: 404 / 400 and other 4xx; a defect in what we asked, not retried.
 * - `http`, `network`, `timeout`: 429, 5xx, resets and timeouts that outlived every retry.
 * - `invalid_response`: a 200 whose body is not the JSON object the endpoint documents.
 * - `aborted`: the caller's signal fired.
 */
export type RestFailureKind =
  | 'credentials' | 'not_entitled' | 'not_found' | 'bad_request' | 'http' | 'network' | 'timeout' | 'invalid_response' | 'aborted';

/** What the caller knows about a request, so a 403 can name what is missing and which plan has it. */
export interface RestRequestContext {
  /** Dataset id the request serves (e.g. "financials"). */
  dataset?: string;
  /** The cheapest plan that includes the endpoint. */
  requiredPlan?: PlanName;
  /** The cheapest plan whose history window reaches the requested dates. */
  historyPlan?: PlanName;
}

/** Fields of a REST failure; every string in it is free of the API key. */
export interface RestFailureFields {
  kind: RestFailureKind;
  /** HTTP status of the last answer, or null when none came (network, timeout, abort). */
  status: number | null;
  /** The URL without its key. */
  url: string;
  attempts: number;
  /** `message` or `error` of the upstream JSON body, when it had one. */
  upstreamMessage?: string;
  dataset?: string;
  plan?: PlanName;
  requiredPlan?: PlanName;
}

/** A failed REST request. The message is written for the person reading the run's errors. */
export class RestRequestError extends Error {
  override name = 'RestRequestError';
  readonly kind: RestFailureKind;
  readonly status: number | null;
  readonly url: string;
  readonly attempts: number;
  readonly upstreamMessage: string | undefined;
  readonly dataset: string | undefined;
  readonly plan: PlanName | undefined;
  readonly requiredPlan: PlanName | undefined;

  constructor(message: string, fields: RestFailureFields) {
    super(message);
    this.kind = fields.kind;
    this.status = fields.status;
    this.url = fields.url;
    this.attempts = fields.attempts;
    this.upstreamMessage = fields.upstreamMessage;
    this.dataset = fields.dataset;
    this.plan = fields.plan;
    this.requiredPlan = fields.requiredPlan;
  }
}

/** The `message` (403, 404) or `error` (401, 429, 5xx) of an upstream JSON error body. */
export function upstreamMessageOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { message?: unknown; error?: unknown };
    const text = typeof value.message === 'string' ? value.message : typeof value.error === 'string' ? value.error : undefined;
    return text?.slice(0, 300);
  } catch {
    return undefined;
  }
}

/** The 401 failure: "the API key was rejected", with the upstream's reason. */
export function credentialError(
  status: number,
  url: string,
  attempts: number,
  upstream: string | undefined,
  dataset?: string,
): RestRequestError {
  const reason = upstream ? ` (${status} ${upstream})` : ` (${status})`;
  return new RestRequestError(`the API key was rejected${reason}; check massive.apiKey (MASSIVE_API_KEY)`, {
    kind: 'credentials', status, url, attempts, ...(upstream ? { upstreamMessage: upstream } : {}), ...(dataset ? { dataset } : {}),
  });
}

/**
 * The 403 failure, naming the dataset, the endpoint and the plan that would include it. Massive sends
 * two bodies: the product is not in the plan, or the dates are older than the plan's history window.
 */
export function notEntitledError(
  endpoint: string,
  url: string,
  attempts: number,
  upstream: string | undefined,
  plan: PlanName,
  context: RestRequestContext,
): RestRequestError {
  const timeframe = upstream !== undefined && /timeframe|history|today's data/i.test(upstream);
  const needed = timeframe ? context.historyPlan : context.requiredPlan;
  const what = context.dataset ? `${context.dataset} (${endpoint})` : endpoint;
  const why = timeframe ? `reaches further back than the ${plan} plan's history` : `is not included in the ${plan} plan`;
  const fix = needed && needed !== plan ? `; the ${needed} plan includes it` : '';
  return new RestRequestError(`${what} ${why}${fix}${upstream ? ` (upstream: "${upstream}")` : ''}`, {
    kind: 'not_entitled', status: 403, url, attempts, plan,
    ...(upstream ? { upstreamMessage: upstream } : {}),
    ...(context.dataset ? { dataset: context.dataset } : {}),
    ...(needed ? { requiredPlan: needed } : {}),
  });
}
