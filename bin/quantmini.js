#!/usr/bin/env node
// Starts the CLI from its esbuild bundle (dist/cli, built by `npm run build:cli`) when the bundle is
// newer than every source it was built from; otherwise from the TypeScript sources through tsx, so a
// clean clone needs no build step and an edited checkout never runs a stale bundle.
// QUANTMINI_FROM_SOURCE=1 forces the sources.
import path from 'node:path';
import { cliBundleStaleReason, CLI_BUNDLE_DIR } from './cli-bundle.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const bundleDir = path.resolve(import.meta.dirname, '..', CLI_BUNDLE_DIR);
const stale = process.env.QUANTMINI_FROM_SOURCE === '1' ? 'QUANTMINI_FROM_SOURCE=1' : cliBundleStaleReason(bundleDir);
if (stale === null) {
  await import(path.join(bundleDir, 'quantmini.mjs'));
} else {
  if (process.argv.includes('--verbose')) process.stderr.write(`quantmini: running from source (${stale})\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../core/cli/main.ts');
}
