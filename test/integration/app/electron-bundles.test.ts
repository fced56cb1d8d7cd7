import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLakeServiceClient } from '../../../core/lake-service/lake-service-client.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
// @ts-expect-error -- plain JavaScript build script without type declarations
import { buildElectron } from '../../../scripts/build-electron.js';

// Built inside the checkout (not /tmp) so the bundles resolve @duckdb/node-api from node_modules,
// exactly as they do from dist-electron/ in the app.
const outDir = path.resolve('.cache', `electron-bundles-test-${process.pid}`);
let files: string[];

beforeAll(async () => {
  files = (await buildElectron({ outDir })) as string[];
}, 120_000);
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('Electron bundles', () => {
  it('builds main, preload and both utility-process entries as CommonJS', () => {
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['job-worker.cjs', 'lake-service.cjs', 'main.cjs', 'preload.cjs']);
    expect(fs.readFileSync(path.join(outDir, 'main.cjs'), 'utf8')).toContain('require("electron")');
  });

  it('gives the sandboxed preload nothing to require but electron, and it exposes only window.quantmini', () => {
    const code = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const required: string[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
      ipcRenderer: { invoke: async () => null, on: () => undefined, removeListener: () => undefined, send: () => undefined },
    };
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return fakeElectron;
    };
    vm.runInNewContext(code, { require: sandboxRequire, module: { exports: {} }, exports: {}, Promise, Set, String });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['quantmini']);
  });

  it('runs the bundled lake service as a plain Node child process', async () => {
    const client = createLakeServiceClient({
      launcher: createNodeProcessLauncher(),
      entry: path.join(outDir, 'lake-service.cjs'),
      config: { lakeRoot: path.resolve('config'), threads: 1, memoryLimit: '256MB' },
    });
    try {
      const listing = await client.call('list', { path: '' });
      expect(listing.entries.map((e) => e.name)).toContain('default.yaml');
    } finally {
      await client.close();
    }
  });
});
