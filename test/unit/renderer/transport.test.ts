import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { contractWireCodec } from '../../../core/contract/wire-codec.ts';
import { ContractFailure, createContractClient, isContractFailure } from '../../../renderer/api/contract-client.ts';
import { createElectronTransport, findElectronBridge } from '../../../renderer/api/electron-transport.ts';
import type { ConnectionStatus } from '../../../renderer/api/transport.ts';
import { createWsTransport } from '../../../renderer/api/ws-transport.ts';
import type { SocketLike } from '../../../renderer/api/ws-transport.ts';

// A real WebSocket server on loopback speaking the web host's framing, so the transport is tested
// against the same codec and socket behaviour it meets in production.
interface Server {
  url: string;
  wss: WebSocketServer;
  received: unknown[];
  close(): Promise<void>;
}

async function startServer(handle: (msg: { id: string | number; name: string; input: unknown }, send: (m: unknown) => void) => void): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const received: unknown[] = [];
  wss.on('connection', (socket) => {
    const send = (m: unknown) => socket.send(contractWireCodec.encode(m));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString();
      const msg = contractWireCodec.decode(frame) as { type: string; id: string; name: string; input: unknown };
      received.push(msg);
      if (msg.type === 'request') handle(msg, send);
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws?token=t`,
    wss,
    received,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

const createSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('WebSocket transport', () => {
  it('pairs responses with requests, decodes Arrow bytes and delivers events', async () => {
    const server = await startServer((msg, send) => {
      if (msg.name === 'lake.preview') send({ type: 'response', id: msg.id, result: { ok: true, value: { arrow: new Uint8Array([1, 2, 3]), totalRows: 3 } } });
      else if (msg.name === 'runs.get') send({ type: 'response', id: msg.id, result: { ok: false, error: { code: 'not_found', message: 'No run r9.' } } });
      else send({ type: 'response', id: msg.id, result: { ok: true, value: { echoed: msg.input } } });
    });
    cleanups.push(() => server.close());
    const transport = createWsTransport({ url: server.url, codec: contractWireCodec, createSocket });
    cleanups.push(() => transport.close());
    const client = createContractClient(transport);

    const events: unknown[] = [];
    client.subscribe('job.progress', (p) => events.push(p));
    const [a, b, preview] = await Promise.all([
      client.invoke('runs.list', { limit: 1 }),
      client.invoke('runs.list', { limit: 2 }),
      client.invoke('lake.preview', { path: 'x.parquet' }),
    ]);
    expect(a).toEqual({ echoed: { limit: 1 } });
    expect(b).toEqual({ echoed: { limit: 2 } });
    expect((preview as unknown as { arrow: Uint8Array }).arrow).toEqual(new Uint8Array([1, 2, 3]));

    const failure = await client.invoke('runs.get', { runId: 'r9' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContractFailure);
    expect(isContractFailure(failure, 'not_found')).toBe(true);
    expect((failure as ContractFailure).message).toBe('No run r9.');

    for (const socket of server.wss.clients) socket.send(contractWireCodec.encode({ type: 'event', name: 'job.progress', payload: { jobId: 'j1' } }));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toEqual({ jobId: 'j1' });
  });

  it('queues requests until connected, fails in-flight ones on a drop, and reconnects', async () => {
    let hold = true;
    const server = await startServer((msg, send) => {
      // The first request is never answered: the connection is cut while it is in flight.
      if (hold) {
        hold = false;
        for (const c of server.wss.clients) c.terminate();
        return;
      }
      send({ type: 'response', id: msg.id, result: { ok: true, value: 'pong' } });
    });
    cleanups.push(() => server.close());
    const statuses: ConnectionStatus[] = [];
    const transport = createWsTransport({ url: server.url, codec: contractWireCodec, createSocket, baseDelayMs: 20, maxDelayMs: 100 });
    cleanups.push(() => transport.close());
    transport.onStatus((s) => statuses.push(s));
    expect(statuses).toEqual(['connecting']);

    const lost = await transport.invoke('app.info', {});
    expect(lost).toEqual({ ok: false, error: { code: 'unavailable', message: 'The connection to the QuantMini host was lost.' } });
    await expect.poll(() => statuses.at(-1)).toBe('open');
    expect(statuses).toContain('reconnecting');
    expect(await transport.invoke('app.info', {})).toEqual({ ok: true, value: 'pong' });
  });

  it('sends requests made while reconnecting once the socket is back', async () => {
    const server = await startServer((msg, send) => send({ type: 'response', id: msg.id, result: { ok: true, value: msg.name } }));
    const port = Number(new URL(server.url).port);
    await server.close();
    const transport = createWsTransport({ url: server.url, codec: contractWireCodec, createSocket, baseDelayMs: 20, maxDelayMs: 60 });
    cleanups.push(() => transport.close());
    const pending = transport.invoke('runs.active', {});
    await new Promise((r) => setTimeout(r, 120));
    const again = new WebSocketServer({ host: '127.0.0.1', port });
    cleanups.push(() => new Promise((r) => again.close(() => r(undefined))));
    again.on('connection', (socket) =>
      socket.on('message', (data: RawData) => {
        const msg = contractWireCodec.decode((data as Buffer).toString()) as { id: number; name: string };
        socket.send(contractWireCodec.encode({ type: 'response', id: msg.id, result: { ok: true, value: msg.name } }));
      }),
    );
    expect(await pending).toEqual({ ok: true, value: 'runs.active' });
    for (const c of again.clients) c.terminate();
  });
});

describe('Electron transport', () => {
  it('uses window.quantmini when present and forwards invoke, events and ready', async () => {
    expect(findElectronBridge()).toBeNull();
    const calls: unknown[] = [];
    let emit: (name: string, payload: unknown) => void = () => {};
    const bridge = {
      invoke: async (name: string, input: unknown) => {
        calls.push([name, input]);
        return { ok: true as const, value: 42 };
      },
      onEvent: (l: (name: string, payload: unknown) => void) => {
        emit = l;
        return () => {};
      },
      ready: () => calls.push('ready'),
    };
    (globalThis as { quantmini?: unknown }).quantmini = bridge;
    cleanups.push(() => delete (globalThis as { quantmini?: unknown }).quantmini);
    const found = findElectronBridge();
    expect(found).toBe(bridge);
    const client = createContractClient(createElectronTransport(found!));
    const got: unknown[] = [];
    client.subscribe('run.finished', (p) => got.push(p));
    expect(await client.invoke('system.profile', {})).toBe(42);
    emit('run.finished', { runId: 'r1' });
    emit('job.progress', { ignored: true });
    client.ready();
    client.ready();
    expect(got).toEqual([{ runId: 'r1' }]);
    expect(calls).toEqual([['system.profile', {}], 'ready']);
  });
});
