import WebSocket from 'ws';
import { decodeWireMessage, encodeWireMessage, webSocketUrl, type WireMessage } from '../../core/contract/wire-codec.ts';

/** A contract client over the web host's WebSocket, as the renderer talks to it. */
export interface WsContractClient {
  received: WireMessage[];
  call(name: string, input: unknown): Promise<Extract<WireMessage, { type: 'response' }>>;
  close(): void;
}

/** Opens a socket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
export function connectSocket(url: string, origin?: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

/** Wraps an open socket: numbered requests, responses matched by id, every message kept. */
export function contractClient(ws: WebSocket): WsContractClient {
  let id = 0;
  const waiting = new Map<number | string, (m: WireMessage) => void>();
  const received: WireMessage[] = [];
  ws.on('message', (data, isBinary) => {
    const m = decodeWireMessage(isBinary ? (data as Buffer) : data.toString());
    received.push(m);
    if (m.type === 'response') waiting.get(m.id)?.(m);
  });
  return {
    received,
    call(name, input) {
      const i = ++id;
      return new Promise((resolve) => {
        waiting.set(i, resolve as (m: WireMessage) => void);
        ws.send(encodeWireMessage({ type: 'request', id: i, name, input }));
      });
    },
    close: () => ws.close(),
  };
}

/** Connects to a web host page URL (token included) and returns a contract client. */
export async function connectToWebHost(pageUrl: string): Promise<WsContractClient> {
  const ws = await connectSocket(webSocketUrl(pageUrl), new URL(pageUrl).origin);
  if (typeof ws === 'number') throw new Error(`the web host refused the WebSocket (${ws})`);
  return contractClient(ws);
}
