import fs from 'node:fs';
import { isTradingDay, latestPublishedTradingDay, previousTradingDay } from '../calendar/index.ts';
import type { Settings } from '../config/index.ts';
import { flatFileDataset, type FlatFileDatasetId } from '../datasets/index.ts';
import type { CoverageState } from '../vocabulary/coverage-states.ts';
import { deriveState } from '../lake/coverage.ts';
import { lakePaths, type Layer } from '../lake/lake-paths.ts';
import { readPartitionRecord, type PartitionRecord } from '../lake/partition-records.ts';
import type { S3Access } from '../sources/polygon/flat-file-source.ts';
import { headDay } from '../sources/polygon/flat-file-downloader.ts';
import type { JobKind } from './job-types.ts';

/** What `update` is asked to do. */
export interface UpdatePlanOptions {
  settings: Settings;
  lakeRoot: string;
  /** S3 access for HEAD-based size estimates; without it the registry's typical sizes are used. */
  access?: S3Access;
  now: Date;
  /** Last target date (default: the latest trading day whose files are published). */
  date?: string;
  /** How many trading days ending at the target date (default 1). */
  daysBack?: number;
  /** Datasets (default: settings.datasets.enabled). */
  datasets?: string[];
  skipLanding?: boolean;
  skipBronze?: boolean;
  /** First date the source has (demo mode: the simulator's history start). */
  historyStart?: string;
  /** Size lookup (default: headDay); injectable for tests. */
  head?: (dataset: string, date: string) => Promise<{ size: number; etag: string } | null>;
}

/** One step of a (dataset, date): needed or not, and why. */
export interface PlanStep {
  needed: boolean;
  reason: string;
}

/** The plan for one (dataset, date). */
export interface PlanItem {
  dataset: string;
  date: string;
  landing: CoverageState;
  bronze: CoverageState;
  download: PlanStep & { estimatedBytes: number; estimate: 'head' | 'typical' | 'unpublished' | 'none' };
  /** Bytes the ingest reads (the landing file's size, or the download's estimate). */
  ingest: PlanStep & { estimatedBytes: number };
}

/** A job of the plan, before the host adds the worker entry and payload. */
export interface PlannedJob {
  id: string;
  kind: JobKind;
  dataset: string;
  date: string;
  partition: string;
  dependsOn?: string[];
  estimatedBytes: number;
}

/** The whole plan: printed by `--dry-run`, run by the supervisor otherwise. */
export interface UpdatePlan {
  dates: string[];
  datasets: string[];
  latestPublished: string;
  items: PlanItem[];
  jobs: PlannedJob[];
  totals: { downloads: number; ingests: number; estimatedDownloadBytes: number; upToDate: number };
}

/** The target trading dates: `daysBack` trading days ending at `date` (or the latest published day). */
export function targetDates(now: Date, date?: string, daysBack = 1): string[] {
  const last = date ?? latestPublishedTradingDay(now);
  if (!isTradingDay(last)) throw new RangeError(`${last} is not an NYSE trading day`);
  const out = [last];
  while (out.length < daysBack) out.unshift(previousTradingDay(out[0]!));
  return out;
}

/** Job id of a step, also used for its log file and process name. */
export function jobIdOf(kind: JobKind, dataset: string, date: string): string {
  return `${kind}-${dataset}-${date}`;
}

const PRESENT = new Set<CoverageState>(['complete', 'degraded']);

async function layerState(
  lakeRoot: string,
  layer: Layer,
  dataset: string,
  date: string,
  firstDate: string,
  latestPublished: string,
): Promise<{ state: CoverageState; record: PartitionRecord | null }> {
  const paths = lakePaths(lakeRoot);
  const file = layer === 'landing' ? paths.landingFile(dataset, date) : paths.bronzeFile(dataset, date);
  const record = await readPartitionRecord(lakeRoot, layer, dataset, date);
  const { state } = deriveState({
    date,
    firstDate,
    latestPublished,
    running: false,
    record: record ? { status: record.status, rows: record.rows, bytes: record.bytes, lastError: record.lastError } : null,
    fileExists: fs.existsSync(file),
  });
  return { state, record };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Builds the "Update today" plan. It reads partition records and checks files directly rather than
 * through computeCoverage, because coverage refreshes its index cache on disk and a dry run must
 * write nothing. Steps whose partitions are already complete are left out, so a second run of the
 * same plan has no jobs. A bronze partition built from a landing file that has since been replaced
 * (checksums differ) is rebuilt.
 */
export async function buildUpdatePlan(opts: UpdatePlanOptions): Promise<UpdatePlan> {
  const dates = targetDates(opts.now, opts.date, opts.daysBack ?? 1);
  const datasets = opts.datasets ?? [...opts.settings.datasets.enabled];
  const latestPublished = latestPublishedTradingDay(opts.now);
  const head = opts.head ?? (opts.access ? (ds: string, d: string) => headDay(opts.access!, ds as FlatFileDatasetId, d) : undefined);
  const pairs = datasets.flatMap((dataset) => dates.map((date) => ({ dataset, date })));

  const items = await mapLimit(pairs, 8, async ({ dataset, date }): Promise<PlanItem> => {
    const meta = flatFileDataset(dataset);
    const firstDate = opts.historyStart && opts.historyStart > meta.firstDate ? opts.historyStart : meta.firstDate;
    const landing = await layerState(opts.lakeRoot, 'landing', dataset, date, firstDate, latestPublished);
    const bronze = await layerState(opts.lakeRoot, 'bronze', dataset, date, firstDate, latestPublished);
    const item: PlanItem = {
      dataset,
      date,
      landing: landing.state,
      bronze: bronze.state,
      download: { needed: false, reason: '', estimatedBytes: 0, estimate: 'none' },
      ingest: { needed: false, reason: '', estimatedBytes: landing.record?.bytes ?? 0 },
    };
    if (landing.state === 'out_of_range') {
      item.download.reason = item.ingest.reason = `before ${dataset}'s first date ${firstDate}`;
      return item;
    }
    const landingPresent = PRESENT.has(landing.state);
    // A failed ingest of a landing file its record calls complete may mean the file changed on
    // disk: the download job compares its sha256 with the record and fetches it only then.
    const verifyLanding = landingPresent && bronze.state === 'failed' && !opts.skipLanding && !opts.skipBronze;
    if (verifyLanding) {
      item.download.needed = true;
      item.download.reason = 'bronze failed: the landing file is checked against its record (fetched again only if it changed)';
    } else if (landingPresent) item.download.reason = 'landing file already complete';
    else if (opts.skipLanding) item.download.reason = '--skip-landing';
    else {
      item.download.needed = true;
      item.download.reason = `landing is ${landing.state}`;
    }

    const stale =
      PRESENT.has(bronze.state) &&
      landing.record?.sourceChecksum &&
      bronze.record?.sourceChecksum &&
      landing.record.sourceChecksum !== bronze.record.sourceChecksum;
    if (opts.skipBronze) item.ingest.reason = '--skip-bronze';
    else if (PRESENT.has(bronze.state) && !stale && !item.download.needed) item.ingest.reason = `bronze already ${bronze.state}`;
    else if (!landingPresent && !item.download.needed) item.ingest.reason = 'no landing file to ingest (--skip-landing)';
    else {
      item.ingest.needed = true;
      item.ingest.reason = stale ? 'landing file replaced since bronze was built' : `bronze is ${bronze.state}`;
    }

    if (item.download.needed && !verifyLanding) {
      const typical = meta.typicalBytes;
      if (!head) Object.assign(item.download, { estimatedBytes: typical, estimate: 'typical' });
      else {
        try {
          const h = await head(dataset, date);
          if (h) Object.assign(item.download, { estimatedBytes: h.size, estimate: 'head' });
          else Object.assign(item.download, { estimatedBytes: 0, estimate: 'unpublished' });
        } catch (err) {
          // A HEAD can fail for reasons the download will report properly (403, throttling).
          Object.assign(item.download, { estimatedBytes: typical, estimate: 'typical', reason: `${item.download.reason}; size unknown (${(err as Error).message})` });
        }
      }
    }
    if (item.download.needed) item.ingest.estimatedBytes = item.download.estimatedBytes;
    return item;
  });

  const jobs: PlannedJob[] = [];
  for (const date of dates) {
    for (const dataset of datasets) {
      const item = items.find((i) => i.dataset === dataset && i.date === date)!;
      const downloadId = jobIdOf('download', dataset, date);
      if (item.download.needed) {
        jobs.push({ id: downloadId, kind: 'download', dataset, date, partition: `landing/${dataset}/${date}`, estimatedBytes: item.download.estimatedBytes });
      }
      if (item.ingest.needed) {
        jobs.push({
          id: jobIdOf('ingest', dataset, date),
          kind: 'ingest',
          dataset,
          date,
          partition: `bronze/${dataset}/${date}`,
          ...(item.download.needed ? { dependsOn: [downloadId] } : {}),
          estimatedBytes: item.ingest.estimatedBytes,
        });
      }
    }
  }
  return {
    dates,
    datasets,
    latestPublished,
    items,
    jobs,
    totals: {
      downloads: jobs.filter((j) => j.kind === 'download').length,
      ingests: jobs.filter((j) => j.kind === 'ingest').length,
      estimatedDownloadBytes: items.reduce((s, i) => s + (i.download.needed ? i.download.estimatedBytes : 0), 0),
      upToDate: items.filter((i) => !i.download.needed && !i.ingest.needed).length,
    },
  };
}
