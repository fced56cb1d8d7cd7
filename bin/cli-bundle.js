// Where the CLI bundle lives and whether it may be run. Loaded by bin/quantmini.js on every start,
// so it imports nothing but node:fs and node:path: the check is one read and a stat per source file.
import fs from 'node:fs';
import path from 'node:path';

/** The bundle folder, relative to the repository root (dist/ is not committed). */
export const CLI_BUNDLE_DIR = path.join('dist', 'cli');
/** The file inside the bundle folder listing the build time and every source file it was built from. */
export const CLI_BUNDLE_META = '.meta.json';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Why the bundle in `dir` must not run (missing, unreadable, or a source changed or vanished since
 * it was built), or null when it is fresh. Freshness is by modification time: an edit, a checkout
 * or a pull touches the files it changes, so a bundle older than any of its inputs is never run.
 */
export function cliBundleStaleReason(dir = path.join(root, CLI_BUNDLE_DIR)) {
  let meta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, CLI_BUNDLE_META), 'utf8'));
  } catch {
    return `${path.relative(root, dir) || dir} holds no finished build`;
  }
  if (typeof meta?.builtAtMs !== 'number' || !Array.isArray(meta.inputs)) return `${CLI_BUNDLE_META} is not a build record`;
  for (const input of meta.inputs) {
    const stat = fs.statSync(path.resolve(root, input), { throwIfNoEntry: false });
    if (!stat) return `${input} was removed since the last build`;
    if (stat.mtimeMs > meta.builtAtMs) return `${input} changed since the last build`;
  }
  return null;
}
