/**
 * Helpers for tests that drive the app backend through its contract handlers in-process.
 */
import type { AppBackend } from '../../core/app/app-backend.ts';
import type { RequestInput, RequestName, RequestOutput } from '../../core/contract/contract.ts';
import { dispatchRequest } from '../../core/contract/dispatch.ts';

/** A `call(name, input)` that goes through the allowlist, schema and typed result as a transport does, unwrapping success. */
export function requestCaller(backend: () => AppBackend) {
  return async function call<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestOutput<K>> {
    const b = backend();
    const result = await dispatchRequest(b.handlers, name, input, { secrets: b.secrets });
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as RequestOutput<K>;
  };
}

/** Polls `fn` every 100 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
