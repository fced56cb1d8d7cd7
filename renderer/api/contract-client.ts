/**
 * The typed client over a Transport. `invoke` infers input and output types from the contract and
 * throws a ContractFailure for `{ok:false}`, so react-query sees errors; `subscribe` fans pushed
 * events out by name with their payload types.
 */
import type { ContractError, ContractErrorCode } from '../../core/contract/contract-result.ts';
import type { EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from '../../core/contract/contract.ts';
import type { ConnectionStatus, Transport } from './transport.ts';

/** A contract error as a throwable: keeps the code (e.g. `unavailable`, `forbidden`) and zod issues. */
export class ContractFailure extends Error {
  readonly code: ContractErrorCode;
  readonly issues: ContractError['issues'];
  readonly request: string;

  constructor(request: string, error: ContractError) {
    super(error.message);
    this.name = 'ContractFailure';
    this.code = error.code;
    this.issues = error.issues;
    this.request = request;
  }
}

/** True when `err` is a ContractFailure, optionally with a given code. */
export function isContractFailure(err: unknown, code?: ContractErrorCode): err is ContractFailure {
  return err instanceof ContractFailure && (code === undefined || err.code === code);
}

export type EventHandler<E extends EventName> = (payload: EventPayloads[E]) => void;

export interface ContractClient {
  readonly kind: Transport['kind'];
  invoke<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestOutput<K>>;
  subscribe<E extends EventName>(name: E, handler: EventHandler<E>): () => void;
  ready(): void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

/** Builds the typed client; subscribes to the transport's event stream once. */
export function createContractClient(transport: Transport): ContractClient {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  transport.onEvent((name, payload) => {
    const set = handlers.get(name);
    if (!set) return;
    for (const h of set) {
      try {
        h(payload);
      } catch (err) {
        console.error(`quantmini: handler for event ${name} failed`, err);
      }
    }
  });
  let readySent = false;

  return {
    kind: transport.kind,
    async invoke(name, input) {
      let result;
      try {
        result = await transport.invoke(name, input);
      } catch (err) {
        throw new ContractFailure(name, { code: 'unavailable', message: err instanceof Error ? err.message : String(err) });
      }
      if (!result || typeof result !== 'object' || !('ok' in result)) {
        throw new ContractFailure(name, { code: 'internal', message: `The host answered ${name} with something that is not a result.` });
      }
      if (!result.ok) throw new ContractFailure(name, result.error);
      return result.value as RequestOutput<typeof name>;
    },
    subscribe(name, handler) {
      let set = handlers.get(name);
      if (!set) {
        set = new Set();
        handlers.set(name, set);
      }
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => {
        set.delete(h);
      };
    },
    ready() {
      if (readySent) return;
      readySent = true;
      transport.ready();
    },
    onStatus: (listener) => transport.onStatus(listener),
  };
}
