/**
 * Exports waiting to be downloaded by a browser (the web host has no save dialog). Each export
 * gets its own owner-only folder under the OS temp directory, not the lake's `.tmp` (an update
 * sweeps that when it takes the lake lock), and a random id. The web host's download route takes
 * an export once: the file is streamed and then deleted. Unclaimed exports are deleted after a
 * while, and all of them when the backend closes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportFormat } from './sql-export.ts';

/** One export ready to be sent. */
export interface ExportDownload {
  file: string;
  fileName: string;
  contentType: string;
  /** Removes the file and its folder (after it was sent, or when it is abandoned). */
  discard(): Promise<void>;
}

/** A reserved slot: write the export to `target`, then publish it (or discard it on failure). */
export interface ExportReservation {
  id: string;
  target: string;
  /** The route path the page downloads from: `/exports/<id>/<file name>`. */
  path: string;
  publish(): void;
  discard(): Promise<void>;
}

/** The store of exports waiting for their download. */
export interface ExportDownloads {
  reserve(fileName: string, format: ExportFormat): Promise<ExportReservation>;
  /** Hands out a published export once; null for unknown, expired or already taken ids. */
  take(id: string): ExportDownload | null;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' };

/** URL path prefix of the download route. */
export const EXPORTS_ROUTE = '/exports/';

/** Creates the store; `ttlMs` is how long an unclaimed export waits (default 15 minutes). */
export function createExportDownloads(options: { baseDir?: string; ttlMs?: number } = {}): ExportDownloads {
  const baseDir = options.baseDir ?? os.tmpdir();
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const waiting = new Map<string, { download: ExportDownload; timer: NodeJS.Timeout }>();
  const pending = new Set<string>();

  const remove = (dir: string) => fs.promises.rm(dir, { recursive: true, force: true });

  return {
    async reserve(fileName, format) {
      const id = crypto.randomBytes(16).toString('hex');
      // mkdtemp creates the folder with mode 0700: other users of the machine cannot read exports.
      const dir = await fs.promises.mkdtemp(path.join(baseDir, 'quantmini-export-'));
      const target = path.join(dir, path.basename(fileName));
      pending.add(dir);
      const discard = async () => {
        pending.delete(dir);
        const w = waiting.get(id);
        if (w) clearTimeout(w.timer);
        waiting.delete(id);
        await remove(dir);
      };
      return {
        id,
        target,
        path: `${EXPORTS_ROUTE}${id}/${encodeURIComponent(path.basename(fileName))}`,
        publish() {
          pending.delete(dir);
          const download: ExportDownload = { file: target, fileName: path.basename(fileName), contentType: CONTENT_TYPES[format], discard };
          const timer = setTimeout(() => void discard(), ttlMs);
          timer.unref();
          waiting.set(id, { download, timer });
        },
        discard,
      };
    },
    take(id) {
      const w = waiting.get(id);
      if (!w) return null;
      clearTimeout(w.timer);
      waiting.delete(id);
      return w.download;
    },
    async close() {
      const dirs = [...pending, ...[...waiting.values()].map((w) => path.dirname(w.download.file))];
      for (const w of waiting.values()) clearTimeout(w.timer);
      waiting.clear();
      pending.clear();
      await Promise.all(dirs.map(remove));
    },
  };
}
