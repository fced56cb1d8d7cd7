/**
 * A transport carries contract requests and pushed events between the renderer and a backend. The
 * Electron preload bridge and the web host's WebSocket both implement it, and nothing above this
 * layer knows which one is in use.
 */
import type { Result } from '../../core/contract/contract-result.ts';

/** Whether the transport can currently reach its backend. Electron IPC is always `open`. */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

/** Receives every pushed event; the client fans them out by name. */
export type RawEventListener = (name: string, payload: unknown) => void;

export interface Transport {
  /** Which host the renderer runs in, for diagnostics only. */
  readonly kind: 'electron' | 'web';
  /** Sends one request and resolves with the backend's Result (never rejects for contract errors). */
  invoke(name: string, input: unknown): Promise<Result<unknown>>;
  /** Subscribes to every pushed event; returns the unsubscribe function. */
  onEvent(listener: RawEventListener): () => void;
  /** Tells the backend the renderer is subscribed, so queued events may flow. */
  ready(): void;
  /** Subscribes to connection changes; the listener is called at once with the current status. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}
