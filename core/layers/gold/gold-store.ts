/**
 * Where a gold directory's generations live and how one becomes current. The Qlib directory
 * (`<parent>/<name>`, what Qlib's provider_uri names) is a symlink to `.<name>.gold/g<N>/`; a
 * generation becomes current by one rename of a new symlink over the old, so a reader resolving the
 * path sees one whole generation. Qlib resolves provider_uri once at qlib.init, so a running Qlib
 * session keeps reading the generation it opened (kept until the next update recycles it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive } from '../../files/process-alive.ts';

/** Paths of one gold directory's store. */
export interface GoldLayout {
  /** The Qlib directory users point at (a symlink once written). */
  target: string;
  /** `.<name>.gold` beside it: generations, their manifests, the lock. */
  store: string;
}

const GEN_RE = /^g(\d{8})(\.partial)?$/;

/** The store layout for a Qlib directory path. */
export function goldLayout(target: string): GoldLayout {
  const abs = path.resolve(target);
  return { target: abs, store: path.join(path.dirname(abs), `.${path.basename(abs)}.gold`) };
}

/** Directory name of generation n. */
export const generationName = (n: number) => `g${String(n).padStart(8, '0')}`;
/** Directory of generation n. */
export const generationDir = (l: GoldLayout, n: number) => path.join(l.store, generationName(n));
/** Manifest of generation n. */
export const manifestPath = (l: GoldLayout, n: number) => path.join(l.store, `${generationName(n)}.json`);
/** The directory a generation is built in before it is renamed to its final name. */
export const partialDir = (l: GoldLayout, n: number) => `${generationDir(l, n)}.partial`;

/** A gold store problem the user must resolve (the CLI shows the message as is). */
export class GoldStoreError extends Error {
  override name = 'GoldStoreError';
}

/** The current generation, or null when the target does not exist (or is an empty directory) yet. */
export function activeGeneration(l: GoldLayout): { generation: number; dir: string } | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(l.target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (st.isSymbolicLink()) {
    const link = fs.readlinkSync(l.target);
    const resolved = path.resolve(path.dirname(l.target), link);
    const m = GEN_RE.exec(path.basename(resolved));
    if (path.dirname(resolved) === l.store && m && !m[2]) return { generation: Number(m[1]), dir: resolved };
    throw new GoldStoreError(`${l.target} is a symlink to ${link}, not to a quantmini gold generation; remove it or choose another path`);
  }
  if (st.isDirectory() && fs.readdirSync(l.target).length === 0) return null;
  throw new GoldStoreError(
    `${l.target} exists and was not written by quantmini (it is not a symlink to a generation under ${l.store}); ` +
      'quantmini switches generations atomically through that symlink, so remove it or choose another path',
  );
}

/** A generation directory found in the store. */
export interface StoredGeneration {
  generation: number;
  dir: string;
  partial: boolean;
}

/** Every generation directory in the store, finished or partial, newest first. */
export function storedGenerations(l: GoldLayout): StoredGeneration[] {
  let names: string[];
  try {
    names = fs.readdirSync(l.store);
  } catch {
    return [];
  }
  const out: StoredGeneration[] = [];
  for (const name of names) {
    const m = GEN_RE.exec(name);
    if (m) out.push({ generation: Number(m[1]), dir: path.join(l.store, name), partial: Boolean(m[2]) });
  }
  return out.sort((a, b) => b.generation - a.generation || Number(a.partial) - Number(b.partial));
}

/**
 * Points the target at generation n: a fresh symlink renamed over the old one (atomic). An empty
 * directory in the target's place (e.g. made with mkdir beforehand) is removed first.
 */
export function switchTo(l: GoldLayout, n: number): void {
  const rel = path.relative(path.dirname(l.target), generationDir(l, n));
  const tmp = path.join(l.store, `link.${process.pid}.tmp`);
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(rel, tmp);
  try {
    const st = fs.lstatSync(l.target);
    if (st.isDirectory() && !st.isSymbolicLink()) fs.rmdirSync(l.target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.renameSync(tmp, l.target);
}

/** Removes a generation directory and its manifest. */
export function removeGeneration(l: GoldLayout, g: StoredGeneration): void {
  fs.rmSync(g.dir, { recursive: true, force: true });
  if (!g.partial) fs.rmSync(manifestPath(l, g.generation), { force: true });
}

/** Locks this process holds (a lock file with our pid that is not in here is a leftover of an earlier process with our pid). */
const heldHere = new Set<string>();

/**
 * Takes the store's writer lock (one writer per gold directory): a file holding the owner's pid,
 * created exclusively; a lock whose owner is gone is taken over. Returns the release function.
 */
export function lockStore(l: GoldLayout): () => void {
  fs.mkdirSync(l.store, { recursive: true });
  const file = path.join(l.store, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      const mine = owner === process.pid;
      if ((mine && heldHere.has(file)) || (!mine && Number.isInteger(owner) && owner > 0 && pidAlive(owner))) {
        throw new GoldStoreError(`${l.target} is being written by process ${owner} (lock ${file})`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new GoldStoreError(`could not take the lock ${file}`);
}

/**
 * The lake's Qlib directory for a region and frequency: `gold/qlib/<region>` for day data and
 * `gold/qlib/<region>_<freq>` otherwise (one frequency per directory, since each dump rewrites
 * instruments/all.txt in its own date format).
 */
export function lakeGoldDir(dataRoot: string, region = 'us', freq = 'day'): string {
  return path.join(dataRoot, 'gold', 'qlib', freq === 'day' ? region : `${region}_${freq}`);
}
