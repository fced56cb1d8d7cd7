/**
 * The backend through its contract handlers, with the real runtime: demo simulator, job processes,
 * the lake service process and DuckDB, on a temporary lake and user config file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppBackend, lakeServiceConfig, type AppBackend } from '../../../core/app/app-backend.ts';
import { latestPublishedTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import type { ContractEvent } from '../../../core/contract/bridge.ts';
import { createLakeServiceClient, nodeLakeServiceEntry } from '../../../core/lake-service/lake-service-client.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { writePartitionRecord, type PartitionRecord } from '../../../core/lake/partition-records.ts';
import { requestCaller, waitFor as waitUntil } from '../../support/backend-calls.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-backend-'));
const lakeRoot = path.join(dir, 'lake');
const configFile = path.join(dir, 'config.yaml');
fs.writeFileSync(configFile, '# user settings\ndemo:\n  tickers: 20\ndatasets:\n  enabled: [stocks_daily, options_daily]\n');
const latest = latestPublishedTradingDay(new Date());
const events: ContractEvent[] = [];
let backend: AppBackend;

const call = requestCaller(() => backend);
const waitFor = <T>(fn: () => T | undefined | null | false, timeoutMs = 90_000) => waitUntil(fn, timeoutMs);

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

describe('app backend', () => {
  it('describes the demo lake and samples memory for itself and the lake service', async () => {
    expect(await call('app.info', {})).toMatchObject({ version: '0.0.0-test', mode: 'demo', dataRoot: lakeRoot, host: 'web' });
    let sample = await call('system.memory', {});
    for (let i = 0; i < 100 && sample.processes.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      sample = await call('system.memory', {});
    }
    expect(sample.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['QuantMini web host', 'Lake service (DuckDB)']));
    expect(['normal', 'warning', 'critical']).toContain(sample.level);
  });

  it('previews the plan without touching the network', async () => {
    const plan = await call('plan.preview', {});
    expect(plan.dates).toEqual([latest]);
    expect(plan.steps.map((s) => s.dataset).sort()).toEqual(['options_daily', 'stocks_daily']);
    expect(plan.steps.every((s) => s.kinds.join(',') === 'download,ingest')).toBe(true);
    expect(plan.byKind).toEqual({ download: 2, ingest: 2 });
    expect(plan.jobs.find((j) => j.kind === 'ingest')?.dependsOn).toHaveLength(1);
  });

  it('tests the connection against the simulator in demo mode and reports what is reachable', async () => {
    const test = await call('settings.testConnection', {});
    expect(test.s3.ok).toBe(true);
    expect(test.s3.reachable).toHaveLength(4);
    expect(test.s3.reachable.every((r) => r.ok)).toBe(true);
    expect(test.rest.ok).toBe(true);
  });

  it('validates and saves settings to the user file, keeping its comments', async () => {
    await expect(call('settings.update', { memory: { warningPercent: 90, criticalPercent: 80 } })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('settings.update', { concurrency: { downloads: 0 } })).rejects.toMatchObject({ code: 'invalid_input' });
    const view = await call('settings.update', { concurrency: { downloads: 1, ingestWorkers: 1 } });
    expect(view.concurrency).toMatchObject({ downloads: 1, ingestWorkers: 1 });
    const text = fs.readFileSync(configFile, 'utf8');
    expect(text).toContain('# user settings');
    expect(text).toMatch(/downloads: 1/);
    expect(events.some((e) => e.name === 'settings.changed')).toBe(true);
  });

  it('stores credentials in the user file (0600) and never returns them', async () => {
    const view = await call('settings.setCredentials', { apiKey: 'test-api-key-123456' });
    expect(view.hasApiKey).toBe(true);
    expect(JSON.stringify(view)).not.toContain('test-api-key-123456');
    expect(JSON.stringify(await call('settings.get', {}))).not.toContain('test-api-key-123456');
    expect(fs.readFileSync(configFile, 'utf8')).toContain('test-api-key-123456');
    expect(fs.statSync(configFile).mode & 0o777).toBe(0o600);
    expect(backend.secrets()).toContain('test-api-key-123456');
    const cleared = await call('settings.setCredentials', { apiKey: null });
    expect(cleared.hasApiKey).toBe(false);
  });

  it('runs Update today: events, run detail with the concurrency it used, logs, coverage and freshness', async () => {
    const { runId } = await call('runs.startUpdate', {});
    await expect(call('runs.startUpdate', {})).rejects.toMatchObject({ code: 'conflict' });
    const finished = await waitFor(() => events.find((e) => e.name === 'run.finished' && e.payload.runId === runId));
    expect(finished.payload).toMatchObject({ kind: 'update', outcome: 'succeeded', counts: { complete: 4 } });
    expect(events.some((e) => e.name === 'run.started' && e.payload.runId === runId)).toBe(true);
    expect(events.some((e) => e.name === 'job.updated' && e.payload.job.state === 'running')).toBe(true);
    await waitFor(() => events.filter((e) => e.name === 'coverage.changed' && e.payload.state === 'complete').length >= 4);

    const detail = await call('runs.get', { runId });
    expect(detail.jobs).toHaveLength(4);
    expect(detail.jobs.every((j) => j.state === 'complete' && j.startedAt && j.finishedAt)).toBe(true);
    expect(detail.concurrency).toMatchObject({ downloads: 1, ingestWorkers: 1 });
    expect((await call('runs.list', {}))[0]).toMatchObject({ runId, outcome: 'succeeded' });
    const log = await call('jobs.log', { runId, jobId: `ingest:stocks_daily:${latest}` });
    expect(log.lines.length).toBeGreaterThan(0);

    const coverage = await call('lake.coverage', { layer: 'bronze', from: latest, to: latest });
    expect(coverage.rows.map((r) => r.codes)).toEqual(['0', '0']);
    const fresh = await call('freshness.get', {});
    expect(fresh.datasets.map((d) => [d.dataset, d.lastComplete, d.tradingDaysBehind])).toEqual([
      ['stocks_daily', latest, 0],
      ['options_daily', latest, 0],
    ]);
    expect((await call('runs.active', {})).run).toBeNull();
  });

  it('estimates and runs a backfill, and retries a job as a new run', async () => {
    const day = previousTradingDay(latest);
    const estimate = await call('backfill.estimate', { layer: 'bronze', cells: [{ dataset: 'stocks_daily', date: day }, { dataset: 'stocks_daily', date: latest }] });
    expect(estimate).toMatchObject({ days: 1, jobs: 2, alreadyComplete: 1, datasets: ['stocks_daily'] });
    expect(estimate.estimatedBytes).toBeGreaterThan(0);
    const { runId } = await call('runs.startBackfill', { layer: 'bronze', cells: [{ dataset: 'stocks_daily', date: day }] });
    await waitFor(() => events.find((e) => e.name === 'run.finished' && e.payload.runId === runId));
    expect((await call('lake.cell', { layer: 'bronze', dataset: 'stocks_daily', date: day })).state).toBe('complete');
    expect((await call('runs.get', { runId })).kind).toBe('backfill');

    const retry = await call('jobs.retry', { runId, jobId: `ingest:stocks_daily:${day}` });
    expect(retry.runId).not.toBe(runId);
    await waitFor(() => events.find((e) => e.name === 'run.finished' && e.payload.runId === retry.runId));
    expect((await call('runs.get', { runId: retry.runId })).kind).toBe('retry');
    await expect(call('jobs.retry', { runId, jobId: 'ingest:nope:2020-01-02' })).rejects.toMatchObject({ code: 'not_found' });

    // A day whose last attempt failed becomes an alert on Today, linked to the run that touched it.
    const record = JSON.parse(fs.readFileSync(lakePaths(lakeRoot).metadataFile('bronze', 'stocks_daily', day), 'utf8')) as PartitionRecord;
    await writePartitionRecord(lakeRoot, { ...record, status: 'failed', lastError: 'validation failed: 3 impossible bars' });
    const fresh = await call('freshness.get', {});
    const stocks = fresh.datasets.find((d) => d.dataset === 'stocks_daily')!;
    expect(stocks.alerts).toEqual([{ date: day, state: 'failed', error: 'validation failed: 3 impossible bars', runId }]);
  });

  it('browses the lake through the lake service and refuses paths outside it', async () => {
    const month = `bronze/stocks_daily/year=${latest.slice(0, 4)}/month=${latest.slice(5, 7)}`;
    const listing = await call('lake.list', { path: month });
    expect(listing.entries.find((e) => e.name === `${latest}.parquet`)?.rows).toBeGreaterThan(0);
    const preview = await call('lake.preview', { path: `${month}/${latest}.parquet`, limit: 5 });
    expect(preview.columns).toContain('ticker');
    expect(preview.arrow).toBeInstanceOf(Uint8Array);
    await expect(call('lake.parquetInfo', { path: '../../etc/passwd' })).rejects.toMatchObject({ code: 'forbidden' });
    const sql = await call('sql.run', { queryId: 'q', sql: 'SELECT count(*) AS n FROM stocks_daily', maxRows: 10 });
    expect(sql.rowCount).toBe(1);
  });
});
