import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/index.ts';
import { lakePaths, type Layer } from '../../../core/lake/lake-paths.ts';
import { writePartitionRecord, type PartitionStatus } from '../../../core/lake/partition-records.ts';
import { buildUpdatePlan, targetDates } from '../../../core/runtime/update-plan.ts';

// Saturday 2026-11-21: Friday's files publish Monday 11:00 ET, so Thursday is the latest published day.
const NOW = new Date('2026-11-21T15:00:00Z');
const settings = loadConfig({}, {}).settings;
let root: string;

beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-plan-'));
});
afterEach(async () => {
  await fs.promises.rm(root, { recursive: true, force: true });
});

async function put(layer: Layer, dataset: string, date: string, status: PartitionStatus, opts: { file?: boolean; bytes?: number; checksum?: string } = {}) {
  const p = lakePaths(root);
  const file = layer === 'landing' ? p.landingFile(dataset, date) : p.bronzeFile(dataset, date);
  if (opts.file !== false) {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, 'x'.repeat(opts.bytes ?? 10));
  }
  await writePartitionRecord(root, {
    dataset, layer, date, status, rows: 1, bytes: opts.bytes ?? 10, sourceChecksum: opts.checksum ?? 'abc', etag: 'e', schemaVersion: 1,
    rejects: 0, attempts: 1, lastError: null, startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), durationMs: 1,
  });
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => `${path.relative(dir, path.join(d.parentPath, d.name))}:${d.isFile() ? fs.statSync(path.join(d.parentPath, d.name)).mtimeMs : 'dir'}`).sort();
}

const head = async (dataset: string, date: string) => (date === '2026-11-19' && dataset === 'options_daily' ? null : { size: 1000 + date.charCodeAt(9), etag: 'x' });

describe('target dates', () => {
  it('ends at the latest published trading day and walks back over weekends and holidays', () => {
    expect(targetDates(NOW)).toEqual(['2026-11-19']);
    expect(targetDates(NOW, undefined, 5)).toEqual(['2026-11-13', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
    // Thanksgiving 2026 is Thursday 2026-11-26.
    expect(targetDates(NOW, '2026-11-27', 2)).toEqual(['2026-11-25', '2026-11-27']);
    expect(() => targetDates(NOW, '2026-11-22')).toThrow(/not an NYSE trading day/);
  });
});

describe('buildUpdatePlan', () => {
  it('plans download -> ingest per dataset and date on an empty lake, with HEAD sizes', async () => {
    const plan = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 2, datasets: ['stocks_daily', 'options_daily'], head });
    expect(plan.dates).toEqual(['2026-11-18', '2026-11-19']);
    expect(plan.jobs.map((j) => j.id)).toEqual([
      'download-stocks_daily-2026-11-18', 'ingest-stocks_daily-2026-11-18',
      'download-options_daily-2026-11-18', 'ingest-options_daily-2026-11-18',
      'download-stocks_daily-2026-11-19', 'ingest-stocks_daily-2026-11-19',
      'download-options_daily-2026-11-19', 'ingest-options_daily-2026-11-19',
    ]);
    expect(plan.jobs[1]).toMatchObject({ kind: 'ingest', dependsOn: ['download-stocks_daily-2026-11-18'], partition: 'bronze/stocks_daily/2026-11-18' });
    expect(plan.jobs[0]).toMatchObject({ partition: 'landing/stocks_daily/2026-11-18', estimatedBytes: 1056 });
    const unpublished = plan.items.find((i) => i.dataset === 'options_daily' && i.date === '2026-11-19')!;
    expect(unpublished.download).toMatchObject({ needed: true, estimate: 'unpublished', estimatedBytes: 0 });
    expect(plan.totals).toEqual({ downloads: 4, ingests: 4, estimatedDownloadBytes: 1056 * 2 + 1057, upToDate: 0 });
  });

  it('skips complete partitions, ingests what landing already holds, and repairs what is gone', async () => {
    await put('landing', 'stocks_daily', '2026-11-18', 'complete', { bytes: 777 });
    await put('bronze', 'stocks_daily', '2026-11-18', 'complete');
    await put('landing', 'stocks_daily', '2026-11-19', 'complete', { bytes: 555 });
    await put('landing', 'options_daily', '2026-11-18', 'complete', { file: false });
    await put('landing', 'options_daily', '2026-11-19', 'complete', { checksum: 'new' });
    await put('bronze', 'options_daily', '2026-11-19', 'degraded', { checksum: 'old' });
    const plan = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 2, datasets: ['stocks_daily', 'options_daily'], head });
    const item = (ds: string, d: string) => plan.items.find((i) => i.dataset === ds && i.date === d)!;
    expect(item('stocks_daily', '2026-11-18')).toMatchObject({ landing: 'complete', bronze: 'complete', download: { needed: false }, ingest: { needed: false } });
    expect(item('stocks_daily', '2026-11-19')).toMatchObject({ download: { needed: false }, ingest: { needed: true, estimatedBytes: 555 } });
    expect(item('options_daily', '2026-11-18')).toMatchObject({ landing: 'missing', download: { needed: true }, ingest: { needed: true } });
    expect(item('options_daily', '2026-11-19')).toMatchObject({ download: { needed: false }, ingest: { needed: true, reason: 'landing file replaced since bronze was built' } });
    expect(plan.jobs.map((j) => j.id)).toEqual([
      'download-options_daily-2026-11-18', 'ingest-options_daily-2026-11-18',
      'ingest-stocks_daily-2026-11-19', 'ingest-options_daily-2026-11-19',
    ]);
    expect(plan.jobs.find((j) => j.id === 'ingest-stocks_daily-2026-11-19')!.dependsOn).toBeUndefined();
    expect(plan.totals.upToDate).toBe(1);
  });

  it('a fully complete lake plans nothing', async () => {
    for (const ds of ['stocks_daily']) {
      await put('landing', ds, '2026-11-19', 'complete');
      await put('bronze', ds, '2026-11-19', 'complete');
    }
    const plan = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, datasets: ['stocks_daily'], head });
    expect(plan.jobs).toEqual([]);
    expect(plan.totals).toMatchObject({ downloads: 0, ingests: 0, upToDate: 1 });
  });

  it('honours --skip-landing and --skip-bronze', async () => {
    await put('landing', 'stocks_daily', '2026-11-18', 'complete');
    const noDl = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 2, datasets: ['stocks_daily'], skipLanding: true, head });
    expect(noDl.jobs.map((j) => j.id)).toEqual(['ingest-stocks_daily-2026-11-18']);
    const noIngest = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 2, datasets: ['stocks_daily'], skipBronze: true, head });
    expect(noIngest.jobs.map((j) => j.id)).toEqual(['download-stocks_daily-2026-11-19']);
  });

  it('falls back to typical sizes, and leaves days before the history start alone', async () => {
    const failingHead = async () => {
      throw new Error('403 Forbidden');
    };
    const plan = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 2, datasets: ['stocks_minute'], head: failingHead, historyStart: '2026-11-19' });
    const [early, late] = plan.items;
    expect(early).toMatchObject({ landing: 'out_of_range', download: { needed: false }, ingest: { needed: false } });
    expect(late!.download).toMatchObject({ needed: true, estimate: 'typical', estimatedBytes: 28_000_000 });
    expect(late!.download.reason).toContain('403 Forbidden');
    const noAccess = await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, datasets: ['stocks_daily'] });
    expect(noAccess.items[0]!.download).toMatchObject({ estimate: 'typical', estimatedBytes: 300_000 });
  });

  it('writes nothing to the lake', async () => {
    await put('landing', 'stocks_daily', '2026-11-18', 'complete');
    await put('bronze', 'stocks_daily', '2026-11-18', 'failed', { file: false });
    const before = listing(root);
    await buildUpdatePlan({ settings, lakeRoot: root, now: NOW, daysBack: 5, head });
    expect(listing(root)).toEqual(before);
  });
});
