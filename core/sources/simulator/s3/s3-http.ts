import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorXml } from './s3-xml.ts';

/** One request's context: its id (sent as x-amz-request-id) and whether the answer carries a body. */
export interface S3Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  head: boolean;
}

/**
 * Starts an exchange: S3's identifying headers go on every answer. Node's Date header stays on the
 * real clock even when the simulator's clock is injected: the SDK corrects its signing clock from it.
 */
export function beginExchange(req: IncomingMessage, res: ServerResponse): S3Exchange {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', randomBytes(24).toString('base64'));
  res.setHeader('Server', 'AmazonS3');
  return { req, res, requestId, head: req.method === 'HEAD' };
}

/** Sends an S3 XML error (HEAD answers carry the status only, as S3's do). */
export function sendError(ex: S3Exchange, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const { res } = ex;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (ex.head) {
    res.writeHead(status);
    res.end();
    return;
  }
  const body = Buffer.from(errorXml(code, message, ex.requestId, extra), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': body.length });
  res.end(body);
}

/** Sends an XML document with 200. */
export function sendXml(ex: S3Exchange, xml: string): void {
  const body = Buffer.from(xml, 'utf8');
  ex.res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': body.length });
  ex.res.end(ex.head ? undefined : body);
}

/** Writes a body in chunks, honouring backpressure; `resetAfter` bytes in, the connection is cut. */
export async function streamBody(res: ServerResponse, body: Buffer, resetAfter: number | null): Promise<void> {
  const CHUNK = 64 * 1024;
  for (let at = 0; at < body.length; at += CHUNK) {
    if (res.destroyed) return;
    let end = Math.min(body.length, at + CHUNK);
    if (resetAfter !== null && end >= resetAfter) {
      end = resetAfter;
      if (end > at) res.write(body.subarray(at, end));
      // Let the partial bytes reach the client before the reset, like a dropped connection mid-download.
      await new Promise((r) => setTimeout(r, 20));
      res.destroy();
      return;
    }
    if (!res.write(body.subarray(at, end))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

/** A byte range requested with `Range: bytes=...` against an object of `size` bytes. */
export type RangeRequest = { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

/** Parses a single-range header as S3 does (multiple ranges and malformed headers serve the whole object). */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'none' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return size === 0 ? { kind: 'unsatisfiable' } : { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}
