/**
 * Freshness counts holes in the lake's own history, not just the newest day: a failed download
 * shows as a gap (and an alert) in bronze, a partition built by an older builder as stale, and
 * days before the dataset's first record are history not fetched yet, not gaps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestPublishedTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import { earliestRecordDate, freshness } from '../../../core/app/freshness.ts';
import { defaultRegistry } from '../../../core/datasets/index.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { writePartitionRecord, type PartitionRecord } from '../../../core/lake/partition-records.ts';
import { coverageCell, coverageView } from '../../../core/lake-service/coverage-view.ts';

let lakeRoot: string;
const now = new Date();
const latest = latestPublishedTradingDay(now);
/** Six trading days ending at the latest published one, oldest first. */
const days = [latest];
while (days.length < 6) days.unshift(previousTradingDay(days[0]!));

function record(layer: 'landing' | 'bronze', date: string, over: Partial<PartitionRecord> = {}): PartitionRecord {
  const t = new Date().toISOString();
  return {
    dataset: 'stocks_daily', layer, date, status: 'complete', rows: 10, bytes: 100, sourceChecksum: null, etag: null, schemaVersion: 1,
    rejects: 0, attempts: 1, lastError: null, startedAt: t, finishedAt: t, durationMs: 1, ...over,
  };
}

async function bronzeDay(date: string, over: Partial<PartitionRecord> = {}): Promise<void> {
  const file = lakePaths(lakeRoot).bronzeFile('stocks_daily', date);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
  await writePartitionRecord(lakeRoot, record('bronze', date, over));
}

beforeEach(() => {
  lakeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-freshness-'));
});
afterEach(() => fs.rmSync(lakeRoot, { recursive: true, force: true }));

const registry = defaultRegistry();
const view = () =>
  freshness({
    lakeRoot,
    datasets: ['stocks_daily'],
    registry,
    now,
    coverage: (q) => coverageView({ ...q, lakeRoot, running: [], now, registry }),
    cellError: async (dataset, date) => (await coverageCell({ lakeRoot, layer: 'bronze', dataset, date, running: [], now, registry })).lastError,
  });

describe('freshness', () => {
  it('is up to date with no gaps when every day since the first record is complete', async () => {
    for (const d of days.slice(2)) await bronzeDay(d);
    const [ds] = (await view()).datasets;
    expect(ds).toMatchObject({ lastComplete: latest, tradingDaysBehind: 0, historyFrom: days[2], gaps: 0, stale: 0, attention: null, alerts: [] });
  });

  it('counts a failed download and a missing day as gaps, an older build as stale, and alerts the failure with its reason', async () => {
    await bronzeDay(days[0]!);
    // days[1]: the download failed (landing record only); days[2]: nothing at all.
    await writePartitionRecord(lakeRoot, record('landing', days[1]!, { status: 'failed', rows: null, bytes: null, lastError: 'nothing is listening' }));
    await bronzeDay(days[3]!, { builderVersion: 0 });
    for (const d of days.slice(4)) await bronzeDay(d);
    expect(earliestRecordDate(lakeRoot, 'bronze', 'stocks_daily')).toBe(days[0]);
    const [ds] = (await view()).datasets;
    expect(ds).toMatchObject({ lastComplete: latest, tradingDaysBehind: 0, historyFrom: days[0], gaps: 2, stale: 1, attention: { from: days[1], to: days[3] } });
    expect(ds!.alerts).toEqual([{ date: days[1], state: 'failed', error: 'download failed: nothing is listening', runId: null }]);
  });

  it('starts the history at a failed first download, so the hole it leaves is counted', async () => {
    await writePartitionRecord(lakeRoot, record('landing', days[4]!, { status: 'failed', rows: null, bytes: null, lastError: 'refused' }));
    await bronzeDay(latest);
    const [ds] = (await view()).datasets;
    expect(ds).toMatchObject({ historyFrom: days[4], gaps: 1, stale: 0, attention: { from: days[4], to: days[4] } });
  });
});
