/**
 * The web host: serves the built renderer and the contract over a WebSocket on 127.0.0.1, so the
 * same UI runs in any browser (and in Chromium for the UI tests). Only someone holding the
 * per-start token (printed once, carried in the page URL) can open the page or the socket; the
 * Origin and Host headers are checked so another site in the same browser, or a DNS-rebinding
 * name pointing at 127.0.0.1, cannot talk to it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ContractBackend } from '../contract/contract-backend.ts';
import { fail } from '../contract/contract-result.ts';
import { createRequestContext, dispatchRequest } from '../contract/dispatch.ts';
import { decodeWireMessage, encodeWireMessage, isWireId, WS_PATH, type WireMessage } from '../contract/wire-codec.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { isExportPath, serveExport, type ExportSource } from './export-route.ts';
import { faviconIco } from './favicon.ts';
import { resolveStaticFile } from './static-files.ts';

/** Options for startWebHost. */
export interface WebHostOptions {
  /** The backend; its `downloads` (when it has them) serve SQL exports on the download route. */
  backend: ContractBackend & { downloads?: ExportSource };
  /** Folder holding the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests); default a fresh random one per start. */
  token?: string;
  /** Largest accepted WebSocket message from the page. */
  maxPayloadBytes?: number;
  /** Unexpected handler errors (logged by the caller with their stack). */
  onInternalError?: (name: string, err: unknown) => void;
}

/** A running web host. */
export interface WebHost {
  /** The page URL including the token: the one thing to print. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Number of connected pages. */
  clients(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Compares a presented token with the expected one in constant time. */
function tokenMatches(expected: string, presented: string | null): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}

/** Starts the web host on 127.0.0.1 and resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const { backend, rendererDir } = options;
  let port = 0;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);

  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [`ws://${HOST}:${port}`, `ws://localhost:${port}`] }),
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page URL: never send it onwards in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  });

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...securityHeaders(), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, 'unexpected Host header\n', 'text/plain; charset=utf-8');
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
      if (isExportPath(url.pathname)) {
        if (!tokenMatches(token, url.searchParams.get('token'))) {
          return send(res, 401, 'this download needs the web host token\n', 'text/plain; charset=utf-8');
        }
        return serveExport(url.pathname, res, backend.downloads, securityHeaders());
      }
      const isPage = url.pathname === '/' || url.pathname === '/index.html';
      if (isPage && !tokenMatches(token, url.searchParams.get('token'))) {
        return send(res, 401, 'This QuantMini web host needs the token from its start-up line: open the URL that `quantmini serve` printed.\n', 'text/plain; charset=utf-8');
      }
      const found = await resolveStaticFile(rendererDir, isPage ? '/index.html' : url.pathname);
      if (!found) {
        if (url.pathname === '/favicon.ico') return send(res, 200, faviconIco(), 'image/x-icon', { 'Cache-Control': 'max-age=86400' });
        return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
      }
      // Hashed asset names never change content; the page itself must always be fresh.
      const cache = isPage ? 'no-store' : url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.writeHead(200, { ...securityHeaders(), 'Content-Type': found.contentType, 'Content-Length': found.size, 'Cache-Control': cache });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n', 'text/plain; charset=utf-8');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return rejectUpgrade(socket, 421, 'Misdirected Request');
    if (!tokenMatches(token, url.searchParams.get('token'))) return rejectUpgrade(socket, 401, 'Unauthorized');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return rejectUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const sockets = new Set<WebSocket>();
  const sendTo = (ws: WebSocket, message: WireMessage | string | Uint8Array) => {
    if (ws.readyState !== ws.OPEN) return;
    const frame = typeof message === 'string' || message instanceof Uint8Array ? message : encodeWireMessage(message);
    ws.send(frame, { binary: typeof frame !== 'string' });
  };

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    // Work done for this page alone (a running SQL query) stops when the page goes away.
    const context = createRequestContext();
    ws.on('close', () => {
      sockets.delete(ws);
      context.close();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let message: WireMessage;
      try {
        const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        message = decodeWireMessage(isBinary ? raw : raw.toString('utf8'));
      } catch (err) {
        ws.close(1003, `unreadable message: ${(err as Error).message}`.slice(0, 120));
        return;
      }
      if (message.type !== 'request') return; // 'ready' needs no answer: events flow from connect.
      const id = message.id;
      if (!isWireId(id)) return sendTo(ws, { type: 'response', id: -1, result: fail('invalid_input', 'request id must be an integer or a short string') });
      void dispatchRequest(backend.handlers, message.name, message.input, {
        secrets: backend.secrets,
        onInternalError: options.onInternalError,
        context,
      }).then(
        (result) => sendTo(ws, { type: 'response', id, result }),
      );
    });
  });

  const unsubscribe = backend.events.subscribe((event) => {
    if (sockets.size === 0) return;
    const frame = encodeWireMessage({ type: 'event', name: event.name, payload: event.payload });
    for (const ws of sockets) sendTo(ws, frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const origin = `http://${HOST}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    clients: () => sockets.size,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
