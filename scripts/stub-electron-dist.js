#!/usr/bin/env node
// Writes a stand-in for the Electron runtime that electron-builder can package with
// `-c.electronDist=<dir>`, because the real runtime cannot be downloaded on our CI machines.
// The stub `electron` is a shell script that refuses to run, but it carries the fuse sentinel and
// a fuse wire with Electron's default states, so electron-builder's fuse step (@electron/fuses)
// finds and flips it exactly as it would in the real binary, and the packaging check can read the
// flipped wire back. Only the Linux layout is stubbed; Mac builds must run on a Mac.
//
// Usage: node scripts/stub-electron-dist.js [<dir>]   (prints the directory)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The marker @electron/fuses looks for; the wire follows it: version byte, length byte, one byte per fuse. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's own default for each V1 fuse, in wire order ('1' on, '0' off): RunAsNode on, cookie
 * encryption off, NODE_OPTIONS on, inspector arguments on, asar integrity off, load-from-asar-only
 * off, browser V8 snapshot off, file:// extra privileges on.
 */
export const DEFAULT_FUSE_WIRE = '10110001';

/** Writes the stub dist into `dir` (a new temporary folder when omitted); returns the folder. */
export function writeStubElectronDist(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-stub-electron-'))) {
  fs.mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, DEFAULT_FUSE_WIRE.length]), Buffer.from(DEFAULT_FUSE_WIRE)]);
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\n# '),
    wire,
    Buffer.from('\necho "stub Electron runtime (packaging checks only); build on a machine with Electron to run the app" >&2\nexit 1\n'),
  ]);
  fs.writeFileSync(path.join(dir, 'electron'), script, { mode: 0o755 });
  const pkg = JSON.parse(fs.readFileSync(new URL('../node_modules/electron/package.json', import.meta.url), 'utf8'));
  fs.writeFileSync(path.join(dir, 'version'), `v${pkg.version}`);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'Stub Electron distribution for packaging checks.\n');
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  return dir;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) console.log(writeStubElectronDist(process.argv[2] ? path.resolve(process.argv[2]) : undefined));
