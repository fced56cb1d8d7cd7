/**
 * The one place a request from the UI enters the backend, whatever the transport (Electron IPC or
 * the web host's WebSocket): allowlist check, schema validation, then the handler; every outcome
 * becomes a typed Result, so nothing thrown ever crosses the process boundary as a raw string.
 */
import { scrubText } from '../config/redact.ts';
import { requestSchemas, type ParsedInput, type RequestName, type RequestOutput } from './contract.ts';
import { fail, ok, type Result } from './contract-result.ts';
import { isRequestError } from './request-error.ts';

/** What a handler knows about the page that sent the request. */
export interface RequestContext {
  /**
   * Calls `cb` once when the sending page goes away (its socket closes, its window is destroyed),
   * so work done only for that page (a long SQL query) can stop. Returns a function that removes it.
   */
  onClose(cb: () => void): () => void;
}

/** A context for requests whose sender never goes away (tests, in-process calls). */
export const DETACHED_CONTEXT: RequestContext = { onClose: () => () => undefined };

/** A context whose close() runs every registered callback once; the transports make one per page. */
export function createRequestContext(): RequestContext & { close(): void } {
  const callbacks = new Set<() => void>();
  let closed = false;
  return {
    onClose(cb) {
      if (closed) {
        cb();
        return () => undefined;
      }
      callbacks.add(cb);
      return () => callbacks.delete(cb);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const cb of callbacks) cb();
      callbacks.clear();
    },
  };
}

/** The backend's implementation of every request: input already validated by the schema. */
export type Handlers = {
  [K in RequestName]: (input: ParsedInput<K>, context: RequestContext) => Promise<RequestOutput<K>> | RequestOutput<K>;
};

/** Options for dispatchRequest. */
export interface DispatchOptions {
  /** Secret values to remove from error messages (the configured keys). */
  secrets?: () => readonly string[];
  /** Called with every unexpected (internal) error, e.g. to log it with its stack. */
  onInternalError?: (name: string, err: unknown) => void;
  /** The sending page (default: one that never goes away). */
  context?: RequestContext;
}

/** True when `name` is a request the contract declares (own keys only: "__proto__" is not a request). */
export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/**
 * Runs one request: unknown names are refused, input is validated with the request's zod schema
 * (unknown keys rejected), and errors come back as `{ ok: false, error }` with secrets scrubbed.
 */
export async function dispatchRequest(
  handlers: Handlers,
  name: unknown,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isRequestName(name)) {
    return fail('forbidden', `unknown request "${String(name).slice(0, 80)}"`);
  }
  const schema = requestSchemas[name];
  const parsed = schema.safeParse(rawInput === undefined ? {} : rawInput);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = issues[0];
    const where = first?.path ? `${first.path}: ` : '';
    return fail('invalid_input', `invalid input for ${name}: ${where}${first?.message ?? 'rejected'}`, issues);
  }
  const scrub = (text: string) => scrubText(text, options.secrets?.() ?? []);
  try {
    const handler = handlers[name] as (input: unknown, context: RequestContext) => unknown;
    const value = await handler(parsed.data, options.context ?? DETACHED_CONTEXT);
    return ok(value);
  } catch (err) {
    if (isRequestError(err)) return fail(err.code, scrub(err.message));
    options.onInternalError?.(name, err);
    const message = err instanceof Error ? err.message : String(err);
    return fail('internal', scrub(`${name} failed: ${message}`));
  }
}
