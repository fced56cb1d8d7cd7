/**
 * One level of the lake tree, loaded lazily by the UI: folders with their total size, files with
 * size and modification time, Parquet files with their row count from the footer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LakeEntryView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import type { LakePath } from './lake-path-guard.ts';

interface DirBytes {
  mtimeMs: number;
  /** Bytes of the files directly in the folder. */
  ownBytes: number;
}

/**
 * Folder sizes need every file under them, which for a 20-year lake is tens of thousands of stats.
 * The lake only ever changes a folder by renaming files into it (atomic writes), which updates the
 * folder's mtime, so a folder's own file bytes are cached by mtime and only sub-folders are walked.
 */
const dirCache = new Map<string, DirBytes>();

async function folderBytes(dir: string): Promise<number> {
  let stat: fs.Stats;
  let entries: fs.Dirent[];
  try {
    stat = await fs.promises.stat(dir);
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const cached = dirCache.get(dir);
  let own = cached && cached.mtimeMs === stat.mtimeMs ? cached.ownBytes : -1;
  if (own < 0) {
    own = 0;
    const files = entries.filter((e) => e.isFile());
    const sizes = await Promise.all(files.map((f) => fs.promises.stat(path.join(dir, f.name)).then((s) => s.size, () => 0)));
    for (const s of sizes) own += s;
    if (dirCache.size > 50_000) dirCache.clear();
    dirCache.set(dir, { mtimeMs: stat.mtimeMs, ownBytes: own });
  }
  const subs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const nested = await Promise.all(subs.map((d) => folderBytes(path.join(dir, d.name))));
  return own + nested.reduce((a, b) => a + b, 0);
}

/** Lists one folder of the lake: folders first, then files, each sorted by name; hidden entries left out. */
export async function listLakeFolder(
  folder: LakePath,
  rowCounts: (absolutePaths: readonly string[]) => Promise<Map<string, number>>,
): Promise<{ path: string; entries: LakeEntryView[] }> {
  if (!folder.stat.isDirectory()) throw new RequestError('invalid_input', `${folder.relative} is a file, not a folder`);
  const dirents = (await fs.promises.readdir(folder.absolute, { withFileTypes: true })).filter((d) => !d.name.startsWith('.'));
  const join = (name: string) => (folder.relative ? `${folder.relative}/${name}` : name);
  const entries = await Promise.all(
    dirents.map(async (d): Promise<LakeEntryView | null> => {
      const abs = path.join(folder.absolute, d.name);
      const stat = await fs.promises.stat(abs).catch(() => null);
      if (!stat) return null;
      // A link leading outside the lake is listed by nobody: opening it would be refused anyway.
      if (d.isSymbolicLink()) {
        const real = await fs.promises.realpath(abs).catch(() => null);
        const rel = real ? path.relative(await fs.promises.realpath(folder.absolute), real) : '..';
        if (!real || rel.startsWith('..')) return null;
      }
      const isDir = stat.isDirectory();
      return {
        name: d.name,
        path: join(d.name),
        kind: isDir ? 'dir' : 'file',
        sizeBytes: isDir ? await folderBytes(abs) : stat.size,
        modifiedAt: stat.mtime.toISOString(),
        rows: null,
      };
    }),
  );
  const present = entries.filter((e): e is LakeEntryView => e !== null);
  const parquet = present.filter((e) => e.kind === 'file' && e.name.toLowerCase().endsWith('.parquet'));
  const counts = await rowCounts(parquet.map((e) => path.join(folder.absolute, e.name)));
  for (const e of parquet) e.rows = counts.get(path.join(folder.absolute, e.name)) ?? null;
  present.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  return { path: folder.relative, entries: present };
}
