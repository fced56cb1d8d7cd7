/**
 * The web host's download route for SQL exports: `GET /exports/<id>/<name>?token=...`. The browser
 * has no save dialog to offer the backend, so the export is written to a private temporary folder
 * and fetched once from here (the page clicks a link with the `download` attribute). The per-start
 * token is required as for the page itself; an id is random, works once, and the file is deleted
 * as soon as it has been sent.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { EXPORTS_ROUTE, type ExportDownloads } from '../lake-service/export-downloads.ts';

/** The part of the export store the route needs. */
export type ExportSource = Pick<ExportDownloads, 'take'>;

/** An RFC 6266 Content-Disposition for a download named `fileName` (ASCII fallback plus UTF-8). */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** True for paths the route answers. */
export function isExportPath(pathname: string): boolean {
  return pathname.startsWith(EXPORTS_ROUTE);
}

/**
 * Answers one download request (the caller has checked Host, method and token). `headers` are the
 * host's security headers.
 */
export async function serveExport(
  pathname: string,
  res: http.ServerResponse,
  source: ExportSource | undefined,
  headers: Record<string, string>,
): Promise<void> {
  const id = pathname.slice(EXPORTS_ROUTE.length).split('/')[0] ?? '';
  const download = /^[0-9a-f]{32}$/.test(id) ? source?.take(id) : null;
  if (!download) {
    const body = 'This export is no longer available (each export downloads once): export the result again.\n';
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  try {
    const { size } = await fs.promises.stat(download.file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': download.contentType,
      'Content-Length': size,
      'Content-Disposition': attachmentHeader(download.fileName),
      'Cache-Control': 'no-store',
    });
    if (res.req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = fs.createReadStream(download.file);
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => resolve());
      stream.pipe(res);
    });
  } finally {
    await download.discard();
  }
}
