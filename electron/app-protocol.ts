/**
 * The renderer is served from `app://quantmini/` instead of file://. With file:// every file on
 * disk shares the page's origin and no response headers can be set; a privileged custom scheme
 * gives the page its own origin (so `'self'` in the CSP means exactly the bundle), lets us send
 * the Content Security Policy as a real header, and serves only files inside dist/renderer.
 */
import fs from 'node:fs';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../core/web-host/content-security-policy.ts';
import { resolveStaticFile } from '../core/web-host/static-files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'quantmini';
/** Origin of the packaged renderer, compared against IPC senders and navigations. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Must run before the app is ready: makes app:// a standard, secure origin that fetch() can use (wasm). */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Answers one app:// request from the renderer folder (404 outside it), with the CSP header. */
export async function appProtocolResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
  const file = await resolveStaticFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return new Response('not found', { status: 404 });
  const body = await fs.promises.readFile(file.file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Serves dist/renderer on app://quantmini/ (after app ready). */
export function handleAppProtocol(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request.url));
}
