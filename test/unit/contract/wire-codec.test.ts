import { describe, expect, it } from 'vitest';
import { contractWireCodec, decodeWireMessage, encodeWireMessage, webSocketUrl, type WireMessage } from '../../../core/contract/wire-codec.ts';

describe('wire codec', () => {
  it('sends messages without bytes as JSON text', () => {
    const msg: WireMessage = { type: 'request', id: 7, name: 'app.info', input: {} };
    const frame = encodeWireMessage(msg);
    expect(typeof frame).toBe('string');
    expect(decodeWireMessage(frame as string)).toEqual(msg);
  });

  it('round-trips Uint8Array values (and Node Buffers) in one binary frame', () => {
    const arrow = new Uint8Array([1, 2, 3, 250, 0, 9]);
    const second = Buffer.from('second blob');
    const msg: WireMessage = {
      type: 'response',
      id: 'r-1',
      result: { ok: true, value: { arrow, nested: { list: [second, 'text'] }, empty: new Uint8Array(0), n: 3 } },
    };
    const frame = encodeWireMessage(msg);
    expect(frame).toBeInstanceOf(Uint8Array);
    const decoded = decodeWireMessage(frame as Uint8Array) as Extract<WireMessage, { type: 'response' }>;
    const value = (decoded.result as { ok: true; value: { arrow: Uint8Array; nested: { list: [Uint8Array, string] }; empty: Uint8Array; n: number } }).value;
    expect(value.arrow).toBeInstanceOf(Uint8Array);
    expect([...value.arrow]).toEqual([...arrow]);
    expect(Buffer.from(value.nested.list[0]).toString()).toBe('second blob');
    expect(value.nested.list[1]).toBe('text');
    expect(value.empty.byteLength).toBe(0);
    expect(value.n).toBe(3);
    // Decoded values own their buffer (Arrow readers and transfers expect that).
    expect(value.arrow.byteOffset).toBe(0);
    expect(value.arrow.buffer.byteLength).toBe(arrow.byteLength);
  });

  it('decodes from an ArrayBuffer and from a view into a larger buffer', () => {
    const frame = encodeWireMessage({ type: 'event', name: 'job.progress', payload: { b: new Uint8Array([5, 6]) } }) as Uint8Array;
    const padded = new Uint8Array(frame.byteLength + 10);
    padded.set(frame, 5);
    const fromView = decodeWireMessage(padded.subarray(5, 5 + frame.byteLength)) as Extract<WireMessage, { type: 'event' }>;
    expect([...(fromView.payload as { b: Uint8Array }).b]).toEqual([5, 6]);
    const ab = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    expect(decodeWireMessage(ab).type).toBe('event');
  });

  it('never turns a byte reference in a text frame into bytes', () => {
    const text = JSON.stringify({ type: 'request', id: 1, name: 'lake.list', input: { path: { $qmBytes: [0, 4] } } });
    const decoded = decodeWireMessage(text) as Extract<WireMessage, { type: 'request' }>;
    expect(decoded.input).toEqual({ path: { $qmBytes: [0, 4] } });
  });

  it('rejects malformed frames', () => {
    expect(() => decodeWireMessage('{"type":"nope"}')).toThrow(/malformed/);
    expect(() => decodeWireMessage('not json')).toThrow();
    const frame = encodeWireMessage({ type: 'event', name: 'job.progress', payload: { b: new Uint8Array([1, 2, 3]) } }) as Uint8Array;
    expect(() => decodeWireMessage(frame.subarray(0, frame.byteLength - 2))).toThrow(/outside the frame/);
  });

  it('converts bigints instead of throwing', () => {
    const frame = encodeWireMessage({ type: 'event', name: 'job.progress', payload: { small: 5n, huge: 2n ** 70n } });
    expect(JSON.parse(frame as string).payload).toEqual({ small: 5, huge: (2n ** 70n).toString() });
  });

  it('exposes the codec as one object for the renderer transport', () => {
    const frame = contractWireCodec.encode({ type: 'ready' });
    expect(contractWireCodec.decode(frame as string)).toEqual({ type: 'ready' });
  });

  it('derives the WebSocket URL (with the token) from the page URL', () => {
    expect(webSocketUrl('http://127.0.0.1:4321/?token=abc_DEF-1#/coverage')).toBe('ws://127.0.0.1:4321/ws?token=abc_DEF-1');
  });
});
