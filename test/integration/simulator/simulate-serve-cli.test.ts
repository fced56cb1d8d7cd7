// `quantmini simulate serve` as a user runs it: a child process that prints one JSON line when
// ready, serves both protocols, and exits 0 on SIGTERM.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/quantmini.js');
let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-simulate-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** Starts the CLI; resolves with the child and the first stdout line (the readiness JSON). */
function serve(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; ready: Record<string, string>; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'simulate', 'serve', ...args], {
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no readiness line within 60 s; stderr: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`exited early with ${code}; stderr: ${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, ready: JSON.parse(line) as Record<string, string>, stderr: () => stderr });
    });
  });
}

describe('quantmini simulate serve', () => {
  it('prints the endpoints as one JSON line, serves S3 and REST, and exits 0 on SIGTERM', async () => {
    const { child, ready, stderr } = await serve(['--port', '0', '--seed', '3', '--tickers', '5', '--from', '2024-01-02', '--to', '2024-01-31']);
    try {
      expect(Object.keys(ready).sort()).toEqual(['accessKeyId', 'apiKey', 'bucket', 'restBase', 's3Endpoint', 'secretAccessKey']);
      expect(ready.bucket).toBe('flatfiles');
      expect(ready.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await request(`${ready.restBase}/v3/reference/tickers?limit=2`, { headers: { authorization: `Bearer ${ready.apiKey}` } });
      expect(res.statusCode).toBe(200);
      const body = (await res.body.json()) as { status: string; results: unknown[]; next_url?: string };
      expect(body.status).toBe('OK');
      expect(body.results).toHaveLength(2);
      expect(body.next_url?.startsWith(`${ready.restBase}/v3/reference/tickers?cursor=`)).toBe(true);
      const s3 = new S3Client({ endpoint: ready.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ready.accessKeyId!, secretAccessKey: ready.secretAccessKey! } });
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: 'us_stocks_sip/day_aggs_v1/2024/01/2024-01-30.csv.gz' }));
      expect(head.ContentLength).toBeGreaterThan(0);
      s3.destroy();
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(stderr()).toContain('simulator stopped (SIGTERM)');
  });

  it('rejects a malformed fault list with a one-line error and exit code 2', async () => {
    const child = spawn(process.execPath, [bin, 'simulate', 'serve', '--faults', 'truncated@tomorrow'], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--faults: fault "truncated@tomorrow": "tomorrow" is not a date as YYYY-MM-DD');
  });
});
