// URLs are the one place a REST key could slip into a log line or a stored file: the key travels in
// the Authorization header only, and every URL we keep or print goes through stripApiKey first.

/** A URL without any `apiKey` query parameter (any case), for logs, landing manifests and errors. */
export function stripApiKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: drop anything that looks like the parameter rather than keep it.
    return url.replace(/([?&])apikey=[^&#\s"']*&?/gi, '$1').replace(/[?&]$/, '');
  }
  for (const name of [...parsed.searchParams.keys()]) if (name.toLowerCase() === 'apikey') parsed.searchParams.delete(name);
  return parsed.toString();
}

/** `base` + `path` with the query parameters in the given order. */
export function buildUrl(base: string, path: string, params: Readonly<Record<string, string>> = {}): string {
  // Concatenated rather than resolved, so a base with a path prefix (a proxy) keeps it.
  const url = new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Path and query of a (key-free) URL, the short form progress lines and errors use. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(stripApiKey(url));
    return `${u.pathname}${u.search}`;
  } catch {
    return stripApiKey(url);
  }
}

/** Shortest key scrubbed as a literal: a shorter one would match inside ordinary data ("k" in "ticker"). */
const MIN_SCRUBBED_KEY = 8;

/**
 * Removes the key from text the upstream sent back (a `next_url` carrying `apiKey=`, an echoed key):
 * the bytes we keep must never hold it. Returns the text unchanged when there is nothing to remove.
 */
export function scrubKeyFromText(text: string, apiKey: string): { text: string; scrubbed: boolean } {
  let out = text.replace(/([?&])apiKey=[^&"'\s\\]*/gi, '$1apiKey=***');
  if (apiKey.length >= MIN_SCRUBBED_KEY) out = out.split(apiKey).join('***');
  return { text: out, scrubbed: out !== text };
}
