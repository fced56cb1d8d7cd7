import type { ContractEvent } from '../contract/bridge.ts';
import type { ContractEventListener } from '../contract/contract-backend.ts';
import type { EventName, EventPayloads } from '../contract/contract.ts';

/** Fan-out of contract events to every transport (Electron window, WebSocket clients, tests). */
export interface AppEvents {
  subscribe(listener: ContractEventListener): () => void;
  emit<K extends EventName>(name: K, payload: EventPayloads[K]): void;
}

/** Creates the hub; a listener that throws is reported and never breaks the others. */
export function createAppEvents(onListenerError: (err: unknown) => void = () => undefined): AppEvents {
  const listeners = new Set<ContractEventListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(name, payload) {
      const event = { name, payload } as ContractEvent;
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
  };
}
