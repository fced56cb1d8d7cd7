/**
 * File operations of a generation under construction. The one rule that keeps older generations
 * intact: a file is changed in place only when no other generation shares its inode (hard links
 * from an earlier build are copied into a file of their own first).
 */
import fs from 'node:fs';

/** Counters a build reports (see GoldCommitStats). */
export interface FileCounters {
  created: number;
  patched: number;
  linked: number;
  kept: number;
  bytes: number;
  /** Files written or modified, for an optional fsync before the switch. */
  touched: string[];
  trackTouched: boolean;
}

/** Fresh counters. */
export function newCounters(trackTouched: boolean): FileCounters {
  return { created: 0, patched: 0, linked: 0, kept: 0, bytes: 0, touched: [], trackTouched };
}

/** mkdir -p, remembered in `made` (one per build) so that the bins of one folder cost one call. */
export function ensureDir(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  made.add(dir);
}

/**
 * Writes a whole file as a new inode. An existing name is unlinked first (never truncated in place,
 * since another generation may share its inode); `absent` says the caller knows there is none.
 */
export function createFile(file: string, chunks: readonly Uint8Array[], c: FileCounters, absent = false): void {
  if (!absent) {
    try {
      fs.unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const fd = fs.openSync(file, 'wx');
  try {
    c.bytes += writeAll(fd, chunks, null, file);
  } finally {
    fs.closeSync(fd);
  }
  c.created++;
  if (c.trackTouched) c.touched.push(file);
}

/** One writev of every chunk; a short write (a full disk) is an error, not a quietly shorter bin. */
function writeAll(fd: number, chunks: readonly Uint8Array[], position: number | null, file: string): number {
  const want = chunks.reduce((n, ch) => n + ch.byteLength, 0);
  const wrote = position === null ? fs.writevSync(fd, chunks as Uint8Array[]) : fs.writevSync(fd, chunks as Uint8Array[], position);
  if (wrote !== want) throw new Error(`${file}: wrote ${wrote} of ${want} bytes`);
  return wrote;
}

/** Opens a file for writing in place, first giving it its own inode if another generation shares it; returns fd and size. */
function openPrivate(file: string): { fd: number; size: number } {
  const fd = fs.openSync(file, 'r+');
  const st = fs.fstatSync(fd);
  if (st.nlink <= 1) return { fd, size: st.size };
  const bytes = Buffer.alloc(st.size);
  fs.readSync(fd, bytes, 0, bytes.length, 0);
  fs.closeSync(fd);
  const tmp = `${file}.own`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
  return { fd: fs.openSync(file, 'r+'), size: st.size };
}

/**
 * Writes `chunks` at byte `offset` of an existing file and cuts the file at `length` bytes; creates
 * the file when it is absent (then offset must be 0).
 */
export function patchFile(file: string, offset: number, chunks: readonly Uint8Array[], length: number, c: FileCounters): void {
  let opened: { fd: number; size: number };
  try {
    opened = openPrivate(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || offset !== 0) throw err;
    createFile(file, chunks, c, true);
    return;
  }
  const { fd, size } = opened;
  try {
    if (offset > size) throw new Error(`${file}: cannot write at byte ${offset} of a ${size}-byte file`);
    let end = offset;
    if (chunks.length) {
      c.bytes += writeAll(fd, chunks, offset, file);
      end += chunks.reduce((n, ch) => n + ch.byteLength, 0);
    }
    if (Math.max(size, end) !== length) fs.ftruncateSync(fd, length);
  } finally {
    fs.closeSync(fd);
  }
  c.patched++;
  if (c.trackTouched) c.touched.push(file);
}

/** Reads bytes [offset, offset + length) of a file (fewer if it is shorter). */
export function readRange(file: string, offset: number, length: number): Buffer {
  const out = Buffer.alloc(Math.max(0, length));
  if (length <= 0) return out;
  const fd = fs.openSync(file, 'r');
  try {
    const n = fs.readSync(fd, out, 0, length, offset);
    return n === length ? out : out.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Hard-links an unchanged file of the active generation into the new one. */
export function linkFile(from: string, to: string, c: FileCounters): void {
  try {
    fs.unlinkSync(to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.linkSync(from, to);
  c.linked++;
  if (c.trackTouched) c.touched.push(to);
}

/** Errors meaning "this file system cannot clone" (as opposed to a missing file or a full disk). */
const CANNOT_CLONE = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EINVAL']);
/** Set once the file system has refused a clone; copies are then made by reading and writing. */
let cloneUnsupported = false;

/**
 * Makes `to` a copy-on-write clone of `from` (APFS, btrfs, XFS: no data copied, a file of its own).
 * Returns false where the file system cannot clone (ext4), so the caller copies by hand.
 */
export function cloneFile(from: string, to: string, c: FileCounters): boolean {
  // Counted by the caller, which patches the clone next.
  if (cloneUnsupported) return false;
  try {
    fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE_FORCE);
  } catch (err) {
    if (CANNOT_CLONE.has((err as NodeJS.ErrnoException).code ?? '')) {
      cloneUnsupported = true;
      return false;
    }
    throw err;
  }
  if (c.trackTouched) c.touched.push(to);
  return true;
}

/** True when two paths are the same inode (a hard link), i.e. certainly the same bytes. */
export function sameInode(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** Flushes the given files and folders to disk (bounded parallelism through libuv's pool). */
export async function fsyncAll(paths: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const p = paths[next++]!;
      const h = await fs.promises.open(p, 'r');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
