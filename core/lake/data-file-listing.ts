import fs from 'node:fs';
import path from 'node:path';
import { lakePaths, type Layer } from './lake-paths.ts';

const RACY_MS = 2_000;

// Month folder listings by path, reused while the folder's mtime is unchanged and old enough that
// a same-tick change cannot hide (adding or removing a file always changes the folder's mtime).
const listings = new Map<string, { mtimeMs: number; names: string[] }>();

function monthNames(dir: string, now: number): string[] {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st) return [];
  const hit = listings.get(dir);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.names;
  const list = names(dir);
  if (now - st.mtimeMs > RACY_MS) listings.set(dir, { mtimeMs: st.mtimeMs, names: list });
  else listings.delete(dir);
  return list;
}

/** Forgets cached folder listings (tests). */
export function clearDataFileListingMemory(): void {
  listings.clear();
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** How a layer's per-day files are laid out, or `records` when it has none. */
export type FileLayout = 'flat-file-landing' | 'parquet' | 'records';

/**
 * The dates between `from` and `to` that have a data file, with one readdir per existing year and
 * month folder (cheap enough for 20 years of coverage on every request). Layouts without per-day
 * files return null: their coverage trusts records.
 */
export function listDataFileDates(lakeRoot: string, layer: Layer, dataset: string, from: string, to: string, layout?: FileLayout): Set<string> | null {
  const paths = lakePaths(lakeRoot);
  const kind = layout ?? (layer === 'landing' ? 'flat-file-landing' : layer === 'bronze' ? 'parquet' : 'records');
  let base: string;
  let yearPrefix: string;
  let monthPrefix: string;
  let suffix: string;
  if (kind === 'parquet') {
    [base, yearPrefix, monthPrefix, suffix] = [paths.layerDir(layer, dataset), 'year=', 'month=', '.parquet'];
  } else if (kind === 'flat-file-landing') {
    [base, yearPrefix, monthPrefix, suffix] = [path.join(paths.landingDir, dataset), '', '', '.csv.gz'];
  } else {
    return null;
  }
  const out = new Set<string>();
  const fromMonth = from.slice(0, 7);
  const toMonth = to.slice(0, 7);
  const now = Date.now();
  for (const yName of names(base)) {
    if (!yName.startsWith(yearPrefix)) continue;
    const year = yName.slice(yearPrefix.length);
    if (!/^\d{4}$/.test(year) || year < from.slice(0, 4) || year > to.slice(0, 4)) continue;
    for (const mName of names(path.join(base, yName))) {
      if (!mName.startsWith(monthPrefix)) continue;
      const month = mName.slice(monthPrefix.length);
      const key = `${year}-${month}`;
      if (!/^\d{2}$/.test(month) || key < fromMonth || key > toMonth) continue;
      for (const f of monthNames(path.join(base, yName, mName), now)) {
        if (f.length !== 10 + suffix.length || !f.endsWith(suffix)) continue;
        const date = f.slice(0, 10);
        if (date.startsWith(key) && date >= from && date <= to) out.add(date);
      }
    }
  }
  return out;
}
