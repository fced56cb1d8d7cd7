/**
 * File-system floors for the gold benches, measured in the same run as the figure they sit beside:
 * the bare system calls a gold build or update cannot avoid (creating each folder and bin, or
 * opening, writing a few bytes at the end of and closing each bin), with no other work.
 *
 * Why they are needed: on this kind of VM (ext4, 2 cores) those calls alone vary by an order of
 * magnitude from minute to minute. Creating 14,000 small files took 0.8 s on a fresh file system and
 * up to 10 s of CPU shortly after a large deletion (the kernel's inode allocator skips recently
 * deleted inodes one by one), and patching 11,000 bins 0.1 to 1.2 s with other writers about. A
 * gold figure means little without the floor of that moment beside it.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Wall and CPU time (user + system, whole process) of one floor. */
export interface FloorTime {
  ms: number;
  cpuMs: number;
}

function timedSync(f: () => void): FloorTime {
  const t = performance.now();
  const c = process.cpuUsage();
  f();
  const u = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000 };
}

/** Creates `folders` folders of `files` files of `bytes` bytes each under `dir` (which must not exist): mkdir, then open/write/close per file. */
export function creationFloor(dir: string, folders: number, files: number, bytes: number): FloorTime {
  fs.mkdirSync(dir, { recursive: true });
  const buf = Buffer.alloc(bytes, 0x7f);
  return timedSync(() => {
    for (let d = 0; d < folders; d++) {
      const folder = path.join(dir, `s${d}`);
      fs.mkdirSync(folder);
      for (let f = 0; f < files; f++) {
        const fd = fs.openSync(path.join(folder, `f${f}.day.bin`), 'wx');
        fs.writeSync(fd, buf);
        fs.closeSync(fd);
      }
    }
  });
}

/**
 * Appends 4 bytes to `count` of the files creationFloor wrote (folder by folder), as a one-day update
 * appends a value to each bin: open, write at the end, close. `round` (0, 1, ...) says how many
 * appends each file already had, so successive calls keep appending.
 */
export function patchFloor(dir: string, folders: number, files: number, bytes: number, count: number, round: number): FloorTime {
  const buf = Buffer.alloc(4, 0x3f);
  return timedSync(() => {
    let n = 0;
    for (let d = 0; d < folders && n < count; d++) {
      for (let f = 0; f < files && n < count; f++, n++) {
        const fd = fs.openSync(path.join(dir, `s${d}`, `f${f}.day.bin`), 'r+');
        fs.writeSync(fd, buf, 0, 4, bytes + 4 * round);
        fs.closeSync(fd);
      }
    }
  });
}
