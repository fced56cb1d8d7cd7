import fs from 'node:fs';
import path from 'node:path';
import { RequestError } from '../contract/request-error.ts';

/** A path the UI asked for, resolved to a real file or folder inside the lake. */
export interface LakePath {
  /** Real absolute path (symlinks resolved). */
  absolute: string;
  /** Path relative to the lake root with forward slashes ('' for the root). */
  relative: string;
  stat: fs.Stats;
}

function isInsideReal(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves a path from the renderer against the lake root and refuses anything outside it with
 * `forbidden`: `..` segments, absolute paths elsewhere, and symlinks inside the lake that point
 * out (checked on the real path, after every link is followed). Missing paths are `not_found`.
 */
export async function resolveLakePath(lakeRoot: string, requested: string): Promise<LakePath> {
  if (requested.includes('\0')) throw new RequestError('forbidden', 'path refused: it contains a NUL byte');
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(lakeRoot);
  } catch {
    throw new RequestError('not_found', `the lake root ${lakeRoot} does not exist yet`);
  }
  const normalized = requested.replace(/\\/g, '/');
  const lexical = path.isAbsolute(normalized) ? path.resolve(normalized) : path.resolve(realRoot, normalized);
  // Lexical check first, so "../../etc/passwd" is refused whether or not it exists.
  if (!isInsideReal(realRoot, lexical) && !isInsideReal(path.resolve(lakeRoot), lexical)) {
    throw new RequestError('forbidden', `path refused: "${requested}" is outside the lake`);
  }
  let real: string;
  try {
    real = await fs.promises.realpath(lexical);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RequestError('not_found', `no such file or folder in the lake: ${requested}`);
    throw err;
  }
  if (!isInsideReal(realRoot, real)) throw new RequestError('forbidden', `path refused: "${requested}" leads outside the lake (symbolic link)`);
  const stat = await fs.promises.stat(real);
  return { absolute: real, relative: path.relative(realRoot, real).split(path.sep).join('/'), stat };
}
