import { badRequest } from './rest-errors.ts';

// A cursor carries the original query (without the key) and where the next page starts, so a
// `next_url` is self-contained: clients follow it with their key in a header and no other params.

/** Decoded cursor: the query it continues and the offset into its ordered results. */
export interface CursorState {
  query: URLSearchParams;
  offset: number;
}

/** Encodes a cursor as URL-safe base64 of JSON. */
export function encodeCursor(query: URLSearchParams, offset: number): string {
  const pairs = [...query.entries()].filter(([k]) => k !== 'apiKey' && k !== 'cursor');
  return Buffer.from(JSON.stringify({ q: pairs, o: offset }), 'utf8').toString('base64url');
}

/** Decodes a cursor; a malformed one is a 400. */
export function decodeCursor(cursor: string): CursorState {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { q?: unknown; o?: unknown };
    if (!Array.isArray(parsed.q) || !Number.isInteger(parsed.o) || (parsed.o as number) < 0) throw new Error('shape');
    const query = new URLSearchParams();
    for (const pair of parsed.q as unknown[]) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw new Error('pair');
      query.append(pair[0], pair[1]);
    }
    return { query, offset: parsed.o as number };
  } catch {
    throw badRequest('Invalid cursor');
  }
}

/** The query a request means: its cursor's, when it has one, else its own minus the key. */
export function effectiveQuery(raw: URLSearchParams): CursorState {
  const cursor = raw.get('cursor');
  if (cursor !== null) return decodeCursor(cursor);
  const query = new URLSearchParams([...raw.entries()].filter(([k]) => k !== 'apiKey'));
  return { query, offset: 0 };
}
