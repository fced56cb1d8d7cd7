import { z } from 'zod';
import { PLAN_NAMES } from '../../../config/config-schema.ts';
import type { RateGate, RateWait } from './rate-gate.ts';

// One run shares one rate limit, however many job processes it has: the supervisor owns the token
// bucket and each job process holds a remote gate that asks it for admission over the job's
// message port. The protocol is four plain messages, so any port (child_process IPC, Electron's
// utility-process port, a worker_threads MessagePort) carries it.
//
//   job -> supervisor   {type: 'rate-gate/acquire', id}     one request wants to go out
//                       {type: 'rate-gate/cancel', id}      its signal aborted; release the slot
//                       {type: 'rate-gate/throttled', retryAfterMs}   upstream answered 429
//   supervisor -> job   {type: 'rate-gate/wait', id, wait}  it is queued (for progress lines)
//                       {type: 'rate-gate/granted', id}     send it now
//                       {type: 'rate-gate/refused', id, message}   the gate failed

const waitSchema = z.object({ waitMs: z.number(), plan: z.enum(PLAN_NAMES), message: z.string() });

/** Messages a job process sends to the gate's owner. */
export const rateGateRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rate-gate/acquire'), id: z.number().int() }),
  z.object({ type: z.literal('rate-gate/cancel'), id: z.number().int() }),
  z.object({ type: z.literal('rate-gate/throttled'), retryAfterMs: z.number().min(0) }),
]);

/** Messages the gate's owner sends back. */
export const rateGateReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rate-gate/wait'), id: z.number().int(), wait: waitSchema }),
  z.object({ type: z.literal('rate-gate/granted'), id: z.number().int() }),
  z.object({ type: z.literal('rate-gate/refused'), id: z.number().int(), message: z.string() }),
]);

export type RateGateRequest = z.infer<typeof rateGateRequestSchema>;
export type RateGateReply = z.infer<typeof rateGateReplySchema>;

/** A message port as both ends see it; messages of other protocols on the same port are ignored. */
export interface RateGatePort<Out> {
  send(message: Out): void;
  /** Subscribes to incoming messages; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** The job-side gate: every acquire is a round trip to the process that owns the bucket. */
export function createRemoteRateGate(
  port: RateGatePort<RateGateRequest>,
): RateGate & { throttled(retryAfterMs: number): void; dispose(): void } {
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void; onWait?: ((wait: RateWait) => void) | undefined }>();
  const unsubscribe = port.onMessage((raw) => {
    const parsed = rateGateReplySchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    const entry = pending.get(msg.id);
    if (!entry) return; // a grant that crossed our cancel: the slot is simply spent
    if (msg.type === 'rate-gate/wait') entry.onWait?.(msg.wait);
    else {
      pending.delete(msg.id);
      if (msg.type === 'rate-gate/granted') entry.resolve();
      else entry.reject(new Error(`rate gate: ${msg.message}`));
    }
  });
  return {
    acquire(signal, onWait) {
      signal?.throwIfAborted();
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          pending.delete(id);
          port.send({ type: 'rate-gate/cancel', id });
          reject(signal!.reason as Error);
        };
        pending.set(id, {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (err) => {
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          },
          onWait,
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        port.send({ type: 'rate-gate/acquire', id });
      });
    },
    throttled(retryAfterMs) {
      port.send({ type: 'rate-gate/throttled', retryAfterMs });
    },
    dispose() {
      unsubscribe();
      for (const entry of pending.values()) entry.reject(new Error('rate gate: the connection to the run closed'));
      pending.clear();
    },
  };
}

/**
 * The owner's side for one job's port: runs that job's acquires against the shared gate. Call once per
 * job process; dispose when the process exits, which releases whatever it still had queued.
 */
export function serveRateGate(gate: RateGate, port: RateGatePort<RateGateReply>): { dispose(): void } {
  const inFlight = new Map<number, AbortController>();
  const unsubscribe = port.onMessage((raw) => {
    const parsed = rateGateRequestSchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'rate-gate/throttled') {
      gate.throttled?.(msg.retryAfterMs);
      return;
    }
    if (msg.type === 'rate-gate/cancel') {
      inFlight.get(msg.id)?.abort();
      inFlight.delete(msg.id);
      return;
    }
    const controller = new AbortController();
    inFlight.set(msg.id, controller);
    gate
      .acquire(controller.signal, (wait) => port.send({ type: 'rate-gate/wait', id: msg.id, wait }))
      .then(
        () => {
          if (inFlight.delete(msg.id)) port.send({ type: 'rate-gate/granted', id: msg.id });
        },
        (err: unknown) => {
          if (inFlight.delete(msg.id)) port.send({ type: 'rate-gate/refused', id: msg.id, message: (err as Error).message ?? String(err) });
        },
      );
  });
  return {
    dispose() {
      unsubscribe();
      for (const c of inFlight.values()) c.abort();
      inFlight.clear();
    },
  };
}
