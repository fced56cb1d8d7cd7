// Vitest globalSetup of the projects that spawn `node bin/quantmini.js`: builds the CLI bundle once
// when it is missing or older than the sources (esbuild, about a second), so each spawned CLI and
// each job process it starts run JavaScript instead of compiling TypeScript through tsx (about two
// seconds per process on this machine). bin/quantmini.js still falls back to tsx for any source
// edited after this ran. QUANTMINI_FROM_SOURCE=1 skips the build and runs every spawn from source.
// @ts-expect-error -- plain JavaScript build script without type declarations
import { buildCli } from '../../scripts/build-cli.js';
// @ts-expect-error -- bin/ is plain JavaScript outside the TypeScript project
import { cliBundleStaleReason } from '../../bin/cli-bundle.js';

/** Builds the bundle unless it is fresh (or the sources are asked for). */
export default async function setup(): Promise<void> {
  if (process.env.QUANTMINI_FROM_SOURCE === '1') return;
  if ((cliBundleStaleReason as () => string | null)() === null) return;
  await (buildCli as () => Promise<string[]>)();
}
