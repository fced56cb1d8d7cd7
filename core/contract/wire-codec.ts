/**
 * Framing of contract messages on the web host's WebSocket, shared by the server and the renderer
 * (browser-safe: no Node imports). Messages without binary values travel as JSON text frames.
 * Messages holding Uint8Array values (Arrow IPC of previews and SQL results) travel as one binary
 * frame, so megabytes of Arrow are not inflated by base64 nor copied through JSON:
 *
 *   "QMB1" | uint32 LE header length | UTF-8 JSON header | byte blobs back to back
 *
 * In the header each Uint8Array is replaced by `{"$qmBytes":[offset,length]}` relative to the
 * first blob. Only binary frames are revived, so a text frame cannot fake a byte value.
 */
import type { EventName, RequestName } from './contract.ts';
import type { Result } from './contract-result.ts';

/** Identifies a request so its response can be paired with it (a safe integer or a string of up to 64 characters). */
export type WireId = number | string;

/** A request from the UI: `id` pairs it with its response. */
export interface WireRequest {
  type: 'request';
  id: WireId;
  name: RequestName | string;
  input: unknown;
}

/** The backend's answer to one request. */
export interface WireResponse {
  type: 'response';
  id: WireId;
  result: Result<unknown>;
}

/** An event pushed by the backend. */
export interface WireEvent {
  type: 'event';
  name: EventName;
  payload: unknown;
}

/** Sent by the UI once it listens for events (optional on the WebSocket; events flow from connect). */
export interface WireReady {
  type: 'ready';
}

export type WireMessage = WireRequest | WireResponse | WireEvent | WireReady;

/** Path of the WebSocket endpoint on the web host; the page's `token` query parameter must be passed on. */
export const WS_PATH = '/ws';

const MAGIC = [0x51, 0x4d, 0x42, 0x31]; // "QMB1"
const BYTES_KEY = '$qmBytes';

/** The WebSocket URL for a page served by the web host (same host, token copied from the page URL). */
export function webSocketUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const ws = new URL(WS_PATH, page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = page.searchParams.get('token');
  if (token) ws.searchParams.set('token', token);
  return ws.toString();
}

/** Encodes a message: a JSON string, or a binary frame when it holds Uint8Array values. */
export function encodeWireMessage(message: WireMessage): string | Uint8Array {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(message, function replacer(this: Record<string, unknown>, key, value: unknown) {
    // `this[key]` is the value before toJSON (Node's Buffer would otherwise arrive as {type,data}).
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      blobs.push(raw);
      const ref = { [BYTES_KEY]: [offset, raw.byteLength] };
      offset += raw.byteLength;
      return ref;
    }
    if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    return value;
  });
  if (blobs.length === 0) return json;
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.byteLength + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.byteLength, true);
  out.set(header, 8);
  let at = 8 + header.byteLength;
  for (const blob of blobs) {
    out.set(blob, at);
    at += blob.byteLength;
  }
  return out;
}

/** Decodes a text or binary frame into a message; throws on malformed frames. */
export function decodeWireMessage(data: string | ArrayBuffer | ArrayBufferView): WireMessage {
  if (typeof data === 'string') return checkShape(JSON.parse(data));
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    // A binary frame without our magic is plain UTF-8 JSON (some clients send text as binary).
    return checkShape(JSON.parse(new TextDecoder().decode(bytes)));
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const blobStart = 8 + headerLength;
  if (blobStart > bytes.byteLength) throw new Error('malformed frame: header longer than the frame');
  const blobBytes = bytes.byteLength - blobStart;
  const header = new TextDecoder().decode(bytes.subarray(8, blobStart));
  const parsed: unknown = JSON.parse(header, (_key, value: unknown) => {
    if (isBytesRef(value)) {
      const [start, length] = value[BYTES_KEY];
      if (start + length > blobBytes) throw new Error('malformed frame: byte value outside the frame');
      // A copy, so the value owns its buffer (Arrow readers and transfers expect that).
      return bytes.slice(blobStart + start, blobStart + start + length);
    }
    return value;
  });
  return checkShape(parsed);
}

/** True for an id the host accepts and echoes back. */
export function isWireId(id: unknown): id is WireId {
  return (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length > 0 && id.length <= 64);
}

/**
 * The codec as one object, shaped like the renderer's transport expects (`encode(message)`,
 * `decode(frame)`), so both ends of the socket are guaranteed to frame messages the same way.
 */
export const contractWireCodec = {
  encode: (message: unknown): string | Uint8Array => encodeWireMessage(message as WireMessage),
  decode: (frame: string | ArrayBuffer | ArrayBufferView): unknown => decodeWireMessage(frame),
};

function isBytesRef(value: unknown): value is { [BYTES_KEY]: [number, number] } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== BYTES_KEY) return false;
  const ref = (value as Record<string, unknown>)[BYTES_KEY];
  return Array.isArray(ref) && ref.length === 2 && ref.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
}

function checkShape(value: unknown): WireMessage {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type !== 'request' && type !== 'response' && type !== 'event' && type !== 'ready') {
    throw new Error('malformed message: expected a request, response, event or ready message');
  }
  return value as WireMessage;
}
