/**
 * The health check of the lake's own gold: `checkGold` told what silver says gold should hold (each
 * instrument's spans, and the days it has a valid bar, where a NaN is an error), and its report
 * stored in the lake for the UI, one file per gold directory, replaced by each check.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetRegistry } from '../../datasets/index.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import { checkGold, type GoldCheckOptions } from './gold-check.ts';
import { goldCheckReportSchema, type GoldCheckReport } from './gold-check-report.ts';
import { presentFiles } from './gold-job.ts';
import { lakeGoldDir } from './gold-store.ts';
import { ADJUSTED_BARS_DATASET, readSilverGold, UNIVERSE_DATASET } from './silver-gold-source.ts';

/** Where the report of the lake's gold of a region and frequency is kept: `metadata/checks/qlib_<region>.<freq>.json`. */
export function lakeGoldCheckFile(lakeRoot: string, region = 'us', freq = 'day'): string {
  return path.join(lakeRoot, 'metadata', 'checks', `qlib_${region}.${freq}.json`);
}

/**
 * Spans and traded days per instrument (as all.txt names it) that silver gives the day gold up to the
 * last day of `qlibDir`'s calendar (a generation of the lake's day gold: the one being checked).
 */
export async function silverExpectations(
  lakeRoot: string,
  registry: DatasetRegistry,
  duckdb: { threads: number; memoryLimit: string },
  qlibDir: string,
): Promise<Pick<GoldCheckOptions, 'expectedSpans' | 'tradedDays'>> {
  const end = fs.existsSync(qlibDir) ? readQlibCalendar(qlibDir).at(-1) : undefined;
  if (!end || !registry.hasLayer(ADJUSTED_BARS_DATASET, 'silver')) return {};
  const reader = createLineageReader(lakeRoot);
  const bars = presentFiles(registry, reader, lakeRoot, ADJUSTED_BARS_DATASET, end);
  const universe = registry.hasLayer(UNIVERSE_DATASET, 'silver') ? presentFiles(registry, reader, lakeRoot, UNIVERSE_DATASET, end) : null;
  const state = await readSilverGold({ bars, universe }, end, duckdb);
  const expectedSpans = new Map<string, Array<{ start: string; end: string }>>();
  const tradedDays = new Map<string, string[]>();
  for (const x of state.instruments) {
    const name = instrumentName(x.code);
    expectedSpans.set(name, x.spans.map((s) => ({ start: state.calendar[s.start]!, end: state.calendar[s.end]! })));
    tradedDays.set(name, x.traded.map((i) => state.calendar[i]!));
  }
  return { expectedSpans, tradedDays };
}

/** Checks the lake's day gold against silver and stores the report (unless `save` is false); returns it. */
export async function checkLakeGold(
  lakeRoot: string,
  registry: DatasetRegistry,
  opts: { duckdb: { threads: number; memoryLimit: string }; check?: Omit<GoldCheckOptions, 'freq' | 'expectedSpans' | 'tradedDays'>; save?: boolean },
): Promise<GoldCheckReport> {
  const dir = lakeGoldDir(lakeRoot);
  // One generation read throughout (its calendar for silver's range, then its bins): an update
  // switching the symlink meanwhile does not mix two.
  const real = fs.realpathSync(dir);
  const expected = await silverExpectations(lakeRoot, registry, opts.duckdb, real);
  const report = { ...checkGold(real, { ...opts.check, freq: 'day', ...expected }), qlibDir: dir };
  if (opts.save !== false) await writeLakeGoldCheck(lakeRoot, report);
  return report;
}

/** Stores a report of the lake's gold (temp file, rename), where the UI reads it. */
export async function writeLakeGoldCheck(lakeRoot: string, report: GoldCheckReport, region = 'us'): Promise<string> {
  const file = lakeGoldCheckFile(lakeRoot, region, report.freq);
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`, { lakeRoot });
  return file;
}

/** The stored report of the lake's gold, or null when none was written (or it is not a report). */
export function readLakeGoldCheck(lakeRoot: string, region = 'us', freq = 'day'): GoldCheckReport | null {
  try {
    return goldCheckReportSchema.parse(JSON.parse(fs.readFileSync(lakeGoldCheckFile(lakeRoot, region, freq), 'utf8')));
  } catch {
    return null;
  }
}
