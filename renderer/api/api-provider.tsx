/**
 * React access to the contract: the client in context, `useEvent` for typed pushed events and
 * `useConnectionStatus` for the transport's state. The provider tells the backend it is ready after
 * its children have subscribed (child effects run before the parent's), so no queued event is lost.
 */
import { createContext, useContext, useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { EventName } from '../../core/contract/contract.ts';
import type { ContractClient, EventHandler } from './contract-client.ts';
import type { ConnectionStatus } from './transport.ts';

const ApiContext = createContext<ContractClient | null>(null);

/** Provides the contract client to the tree and announces readiness once mounted. */
export function ApiProvider({ client, children }: { client: ContractClient; children: ReactNode }) {
  useEffect(() => {
    client.ready();
  }, [client]);
  return <ApiContext value={client}>{children}</ApiContext>;
}

/** The contract client; throws outside ApiProvider. */
export function useApi(): ContractClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi must be used inside ApiProvider');
  return client;
}

/** Calls `handler` for every `name` event while the component is mounted; the latest handler is used. */
export function useEvent<E extends EventName>(name: E, handler: EventHandler<E>): void {
  const api = useApi();
  const onEvent = useEffectEvent(handler);
  useEffect(() => api.subscribe(name, (payload) => onEvent(payload)), [api, name]);
}

interface StatusStore {
  status: ConnectionStatus;
  subscribe(cb: () => void): () => void;
}

const statusStores = new WeakMap<ContractClient, StatusStore>();

/** One status store per client, so every component reads the same value without re-subscribing the transport. */
function statusStore(client: ContractClient): StatusStore {
  const existing = statusStores.get(client);
  if (existing) return existing;
  const listeners = new Set<() => void>();
  const store: StatusStore = {
    status: 'connecting',
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  client.onStatus((s) => {
    store.status = s;
    for (const l of listeners) l();
  });
  statusStores.set(client, store);
  return store;
}

/** The transport's connection status (always `open` in Electron). */
export function useConnectionStatus(): ConnectionStatus {
  const store = statusStore(useApi());
  return useSyncExternalStore(store.subscribe, () => store.status);
}
