/** Errors cross the process boundary as data, never as thrown strings. */
export type ContractErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'unavailable'
  | 'cancelled'
  | 'timeout'
  | 'internal';

export interface ContractError {
  code: ContractErrorCode;
  message: string;
  /** For invalid_input: the zod issues, path and message only. */
  issues?: Array<{ path: string; message: string }>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<T = never>(code: ContractErrorCode, message: string, issues?: ContractError['issues']): Result<T> {
  return issues ? { ok: false, error: { code, message, issues } } : { ok: false, error: { code, message } };
}
