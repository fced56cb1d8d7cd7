import type { ContractEvent } from './bridge.ts';
import type { Handlers } from './dispatch.ts';

/** Receives every pushed event. */
export type ContractEventListener = (event: ContractEvent) => void;

/**
 * What a transport (Electron IPC, the web host's WebSocket) needs from the backend: the handlers,
 * a way to follow events, and the secrets to scrub from error messages.
 */
export interface ContractBackend {
  handlers: Handlers;
  events: { subscribe(listener: ContractEventListener): () => void };
  /** Secret values currently configured (scrubbed from every error that crosses). */
  secrets(): readonly string[];
}
