/**
 * What the Electron preload exposes as `window.quantmini`, and the channel names both sides use.
 * The renderer's Electron transport is written against this type; the web transport offers the
 * same three operations over the WebSocket (see wire-codec.ts).
 */
import type { EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from './contract.ts';
import type { Result } from './contract-result.ts';

/** One pushed event as delivered to the renderer. */
export type ContractEvent = { [K in EventName]: { name: K; payload: EventPayloads[K] } }[EventName];

/** The API on `window.quantmini` in Electron. */
export interface QuantMiniBridge {
  /** Sends one request; resolves with its typed Result (never rejects for handler errors). */
  invoke<K extends RequestName>(name: K, input: RequestInput<K>): Promise<Result<RequestOutput<K>>>;
  /** Listens to every pushed event (called with its name and payload); returns a function that stops listening. */
  onEvent(listener: (name: EventName, payload: EventPayloads[EventName]) => void): () => void;
  /** Tells the backend the renderer listens: events queued before this are delivered now. */
  ready(): void;
}

/** IPC channel carrying pushed events (main -> renderer). */
export const EVENT_CHANNEL = 'qm:event';
/** IPC channel the renderer uses to say it is ready for events. */
export const READY_CHANNEL = 'qm:ready';
