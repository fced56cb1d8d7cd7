import type { ContractEvent } from '../core/contract/bridge.ts';

/** Events for one renderer: held until it says it listens, then delivered in order. */
export interface EventQueue {
  push(event: ContractEvent): void;
  /** The renderer listens: deliver what was held, then deliver as events come. */
  markReady(): void;
  /** The renderer reloaded (or went away): hold events again until it is ready. */
  reset(): void;
  isReady(): boolean;
  pending(): number;
}

/**
 * Creates the queue. While the renderer loads, progress can arrive faster than anyone reads it, so
 * the queue keeps the newest `max` events; a page that comes up late asks for current state with
 * requests anyway, and the events only need to bring it up to date from there.
 */
export function createEventQueue(deliver: (event: ContractEvent) => void, options: { max?: number } = {}): EventQueue {
  const max = options.max ?? 2000;
  let ready = false;
  let held: ContractEvent[] = [];
  return {
    push(event) {
      if (ready) return deliver(event);
      held.push(event);
      if (held.length > max) held = held.slice(held.length - max);
    },
    markReady() {
      ready = true;
      const out = held;
      held = [];
      for (const event of out) deliver(event);
    },
    reset() {
      ready = false;
    },
    isReady: () => ready,
    pending: () => held.length,
  };
}
