import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../../core/lake-service/lake-service-client.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-client-'));
fs.mkdirSync(path.join(root, 'bronze', 'stocks_daily'), { recursive: true });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('lake service process', () => {
  it('answers from its own process, fails in-flight calls with unavailable when it dies, and restarts', async () => {
    const statuses: string[] = [];
    const client = createLakeServiceClient({
      launcher: createNodeProcessLauncher(),
      entry: nodeLakeServiceEntry(),
      config: { lakeRoot: root, threads: 1, memoryLimit: '256MB' },
      onStatus: (m) => statuses.push(m),
    });
    try {
      const first = await client.call('ping', {});
      expect(first.pid).not.toBe(process.pid);
      expect(client.pid()).toBe(first.pid);

      await expect(client.call('ping', { crash: true })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/crashed.*restarting/) });
      // The next call waits for the new process instead of failing.
      const listing = await client.call('list', { path: 'bronze' });
      expect(listing.entries.map((e) => e.name)).toEqual(['stocks_daily']);
      const second = await client.call('ping', {});
      expect(second.pid).not.toBe(first.pid);
      expect(client.restarts()).toBe(1);
      expect(statuses.some((s) => /restarting in \d+ ms/.test(s))).toBe(true);

      // A new lake root restarts it onto the new lake.
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-client-b-'));
      try {
        fs.mkdirSync(path.join(other, 'landing'));
        client.configure({ lakeRoot: other, threads: 1, memoryLimit: '256MB' });
        expect((await client.call('list', { path: '' })).entries.map((e) => e.name)).toEqual(['landing']);
      } finally {
        fs.rmSync(other, { recursive: true, force: true });
      }
    } finally {
      await client.close();
    }
    await expect(client.call('ping', {})).rejects.toMatchObject({ code: 'unavailable' });
  });
});
