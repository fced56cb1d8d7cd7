/**
 * A run you can plan around and take up again, through the backend's contract handlers with real
 * job processes on the demo simulator: run progress carries bytes fetched of the total; a
 * cancelled run is resumed as a new run that re-plans what it did not complete; "Retry failed"
 * and "Resume" refuse politely when there is nothing to do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppBackend, lakeServiceConfig, type AppBackend } from '../../../core/app/app-backend.ts';
import { latestPublishedTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import type { ContractEvent } from '../../../core/contract/bridge.ts';
import type { RequestOutput } from '../../../core/contract/contract.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../../core/lake-service/lake-service-client.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { requestCaller, waitFor as waitUntil } from '../../support/backend-calls.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-follow-ups-'));
const lakeRoot = path.join(dir, 'lake');
const configFile = path.join(dir, 'config.yaml');
fs.writeFileSync(configFile, 'demo:\n  tickers: 10\ndatasets:\n  enabled: [stocks_daily, options_daily]\nconcurrency:\n  downloads: 1\n  ingestWorkers: 1\n');
const days = [previousTradingDay(latestPublishedTradingDay(new Date()))];
while (days.length < 4) days.unshift(previousTradingDay(days[0]!));
const events: ContractEvent[] = [];
let backend: AppBackend;

const call = requestCaller(() => backend);
const waitFor = <T>(fn: () => T | undefined | null | false, timeoutMs = 120_000) => waitUntil(fn, timeoutMs);

const finishedRun = (runId: string) => waitFor(() => events.find((e) => e.name === 'run.finished' && e.payload.runId === runId));

beforeAll(async () => {
  const flags = { config: configFile, dataRoot: lakeRoot, source: 'demo' as const };
  const config = loadConfig(flags);
  const launcher = createNodeProcessLauncher();
  const lakeService = createLakeServiceClient({ launcher, entry: nodeLakeServiceEntry(), config: lakeServiceConfig(config.settings, effectiveSource(config)) });
  backend = await createAppBackend({ config, configFlags: flags, launcher, lakeService, host: 'web', version: '0.0.0-test' });
  backend.events.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await backend?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('run progress, Resume and Retry failed', () => {
  it('reports bytes of the total while it runs, and resumes a cancelled run to completion', async () => {
    // Two datasets: daily files travel several dates to a job, so this makes two ingests, one after the other.
    const cells = (['stocks_daily', 'options_daily'] as const).flatMap((dataset) => days.map((date) => ({ dataset, date })));
    const { runId } = await call('runs.startBackfill', { layer: 'bronze', cells });
    // Cancel once the first ingest is done: some days are complete, the rest are not.
    await waitFor(() => events.some((e) => e.name === 'job.updated' && e.payload.runId === runId && e.payload.job.kind === 'ingest' && e.payload.job.state === 'complete'));
    const active = await call('runs.active', {});
    expect(active.run?.jobs.every((j) => j.maxAttempts === 3)).toBe(true);
    await call('runs.cancel', { runId });
    expect((await finishedRun(runId)).payload).toMatchObject({ outcome: 'cancelled' });

    const progress = events.filter((e) => e.name === 'run.progress' && e.payload.runId === runId).map((e) => e.payload as RequestOutput<'runs.active'>['runProgress']);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1]!;
    expect(last.jobsTotal).toBe(4);
    expect(last.bytesTotal).toBeGreaterThan(0);
    expect(last.bytesDone).toBeGreaterThan(0);
    expect(last.bytesDone).toBeLessThanOrEqual(last.bytesTotal);

    await expect(call('runs.retryFailed', { runId })).rejects.toMatchObject({ code: 'invalid_input', message: /no job of this run failed/ });
    const resumed = await call('runs.resume', { runId });
    expect(resumed.runId).not.toBe(runId);
    expect((await finishedRun(resumed.runId)).payload).toMatchObject({ kind: 'resume', outcome: 'succeeded' });
    const detail = await call('runs.get', { runId: resumed.runId });
    // Only what the cancelled run left undone was planned again.
    expect(detail.jobs.length).toBeLessThan(4);
    for (const date of days) expect((await readPartitionRecord(lakeRoot, 'bronze', 'stocks_daily', date))?.status).toBe('complete');
    await expect(call('runs.resume', { runId: resumed.runId })).rejects.toMatchObject({ code: 'invalid_input', message: /every job of this run completed/ });
  }, 300_000);
});
