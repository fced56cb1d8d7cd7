/**
 * The Content Security Policy for the renderer, shared by the web host (HTTP header) and Electron
 * (protocol response header). Scripts only from our own origin; 'wasm-unsafe-eval' is the one
 * relaxation, because parquet-wasm compiles WebAssembly; no eval, no inline script, no plugins,
 * no framing, no form posts.
 */

/** Builds the CSP header value; `connectSrc` lists extra origins the page may connect to (the WebSocket). */
export function contentSecurityPolicy(options: { connectSrc?: readonly string[] } = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    // React sets style attributes (progress bars, gauges); inline styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
