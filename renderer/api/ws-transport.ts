/**
 * Transport over the web host's WebSocket (`/ws?token=...`). Requests are `{type:'request', id, name,
 * input}` and answered by `{type:'response', id, result}`; events arrive as `{type:'event', name,
 * payload}`. The socket reconnects with capped exponential backoff; requests made while it is down
 * wait for the next connection, and requests in flight when it drops resolve as `unavailable` so
 * callers (react-query) can retry instead of hanging.
 */
import type { Result } from '../../core/contract/contract-result.ts';
import type { ConnectionStatus, RawEventListener, Transport } from './transport.ts';

/** Turns wire messages into frames and back; binary fields (Arrow IPC) need more than plain JSON. */
export interface WireCodec {
  encode(message: unknown): string | ArrayBuffer | Uint8Array;
  decode(frame: string | ArrayBuffer): unknown;
}

/** The subset of the browser WebSocket the transport uses (the `ws` package's client fits too). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(): void;
}

export interface WsTransportOptions {
  url: string;
  codec: WireCodec;
  /** Creates the socket; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay in ms (doubled per failure up to maxDelayMs). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const OPEN = 1;

interface Pending {
  frame: string | ArrayBuffer | Uint8Array;
  resolve: (result: Result<unknown>) => void;
  sent: boolean;
}

/** The web host's socket URL for the current page: same host, `/ws`, carrying the page's token. */
export function webSocketUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}

/** Creates a reconnecting WebSocket transport; connects immediately. */
export function createWsTransport(options: WsTransportOptions): Transport & { close(): void } {
  const { url, codec } = options;
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
  const baseDelay = options.baseDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;

  const eventListeners = new Set<RawEventListener>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<string, Pending>();
  let socket: SocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let failures = 0;
  let nextId = 1;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return;
    status = next;
    for (const l of statusListeners) l(next);
  };

  const flush = (): void => {
    if (!socket || socket.readyState !== OPEN) return;
    for (const p of pending.values()) {
      if (p.sent) continue;
      socket.send(p.frame);
      p.sent = true;
    }
  };

  const onMessage = (data: unknown): void => {
    let message: unknown;
    try {
      message = codec.decode(data as string | ArrayBuffer);
    } catch (err) {
      console.error('quantmini: undecodable frame from the host', err);
      return;
    }
    const m = message as { type?: string; id?: string; result?: Result<unknown>; name?: string; payload?: unknown };
    if (m.type === 'response' && typeof m.id === 'string') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.resolve(m.result ?? { ok: false, error: { code: 'internal', message: 'The host sent an empty response.' } });
    } else if (m.type === 'event' && typeof m.name === 'string') {
      for (const l of eventListeners) l(m.name, m.payload);
    }
  };

  const connect = (): void => {
    if (closed) return;
    const s = createSocket(url);
    socket = s;
    s.binaryType = 'arraybuffer';
    s.onopen = () => {
      failures = 0;
      setStatus('open');
      flush();
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {
      // The close event follows and drives the reconnect.
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // A request already handed to the old socket may or may not have run; report it rather than resend it.
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        pending.delete(id);
        p.resolve({ ok: false, error: { code: 'unavailable', message: 'The connection to the QuantMini host was lost.' } });
      }
      if (closed) return;
      setStatus('reconnecting');
      const delay = Math.min(maxDelay, baseDelay * 2 ** failures) * (0.8 + Math.random() * 0.4);
      failures++;
      reconnectTimer = setTimeout(connect, delay);
    };
  };

  connect();

  return {
    kind: 'web',
    invoke(name, input) {
      const id = String(nextId++);
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, { frame: codec.encode({ type: 'request', id, name, input }), resolve, sent: false });
        flush();
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    // The host streams events to every authenticated socket, so there is nothing to announce.
    ready() {},
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
    },
  };
}
