import type { ContractErrorCode } from './contract-result.ts';

/**
 * An expected failure a handler throws to choose the error code the UI sees (forbidden, not_found,
 * conflict, ...). Anything else a handler throws crosses as `internal`.
 */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True for a RequestError, also across module copies (bundles) where instanceof would fail. */
export function isRequestError(err: unknown): err is RequestError {
  return err instanceof RequestError || (err instanceof Error && err.name === 'RequestError' && typeof (err as RequestError).code === 'string');
}
