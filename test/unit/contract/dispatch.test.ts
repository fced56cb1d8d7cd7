import { describe, expect, it, vi } from 'vitest';
import { REQUEST_NAMES, requestSchemas } from '../../../core/contract/contract.ts';
import { dispatchRequest, isRequestName, type Handlers } from '../../../core/contract/dispatch.ts';
import { RequestError } from '../../../core/contract/request-error.ts';
import { REQUEST_NAME_LIST } from '../../../core/contract/request-names.ts';

/** Handlers that fail loudly if a request reaches one it should not. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unexpected = () => {
    throw new Error('handler should not have been called');
  };
  return Object.fromEntries(REQUEST_NAMES.map((n) => [n, overrides[n] ?? unexpected])) as Handlers;
}

describe('dispatchRequest', () => {
  it('refuses a name outside the allowlist without calling anything', async () => {
    const h = handlers();
    for (const name of ['bogus', 'constructor', '__proto__', 'toString', 42, null]) {
      const result = await dispatchRequest(h, name, {});
      expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('unknown request') } });
    }
  });

  it('rejects bad input with the zod issues and never calls the handler', async () => {
    const get = vi.fn();
    const result = await dispatchRequest(handlers({ 'runs.get': get }), 'runs.get', { runId: '../../etc/passwd' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.issues?.[0]?.path).toBe('runId');
    expect(get).not.toHaveBeenCalled();

    const extra = await dispatchRequest(handlers(), 'app.info', { sneaky: true });
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error.code).toBe('invalid_input');

    const reversed = await dispatchRequest(handlers(), 'lake.coverage', { layer: 'bronze', from: '2024-02-01', to: '2024-01-01' });
    expect(reversed.ok).toBe(false);
  });

  it('passes parsed input (with schema defaults) to the handler and wraps its value', async () => {
    const preview = vi.fn(async (input: { path: string; offset: number; limit: number }) => ({ got: input }));
    const result = await dispatchRequest(handlers({ 'lake.preview': preview as never }), 'lake.preview', { path: 'bronze/x.parquet' });
    expect(preview).toHaveBeenCalledWith({ path: 'bronze/x.parquet', offset: 0, limit: 200 }, expect.objectContaining({ onClose: expect.any(Function) }));
    expect(result).toEqual({ ok: true, value: { got: { path: 'bronze/x.parquet', offset: 0, limit: 200 } } });
  });

  it('treats a missing input as an empty object', async () => {
    const info = vi.fn(() => ({ version: '1' }));
    const result = await dispatchRequest(handlers({ 'app.info': info as never }), 'app.info', undefined);
    expect(result.ok).toBe(true);
  });

  it('turns a RequestError into its code and anything else into internal, with secrets scrubbed', async () => {
    const secret = 'sk-live-1234567890';
    const h = handlers({
      'lake.list': () => {
        throw new RequestError('forbidden', 'path refused: "../x" is outside the lake');
      },
      'settings.testConnection': () => {
        throw new Error(`GET https://api.example/v3?apiKey=${secret} failed with Bearer ${secret}`);
      },
    });
    expect(await dispatchRequest(h, 'lake.list', { path: '../x' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'path refused: "../x" is outside the lake' },
    });
    const onInternalError = vi.fn();
    const result = await dispatchRequest(h, 'settings.testConnection', {}, { secrets: () => [secret], onInternalError });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    expect(result.error.message).not.toContain(secret);
    expect(result.error.message).toContain('***');
    expect(onInternalError).toHaveBeenCalledOnce();
  });
});

describe('the allowlist', () => {
  it('is the same list in the preload-safe module and in the schema map', () => {
    expect([...REQUEST_NAME_LIST].sort()).toEqual(Object.keys(requestSchemas).sort());
    expect(isRequestName('app.info')).toBe(true);
    expect(isRequestName('hasOwnProperty')).toBe(false);
  });
});
