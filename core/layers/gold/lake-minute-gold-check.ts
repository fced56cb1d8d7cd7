/**
 * The health check of the lake's 1-minute gold (gold/qlib/us_1min): `checkGold` on minute data (the
 * calendar against the NYSE session minutes of the configured session, bins against spans, Qlib's
 * rules), told what silver and bronze say it should hold: each instrument's spans (the day gold's
 * day spans as the minutes of those days' sessions) and the minutes it traded (a valid in-session
 * bronze bar, the minute gold's own rule), where a NaN is an error. Traded minutes are read one
 * day at a time and kept as one bit per calendar line and instrument (about 61 KB an instrument
 * for five years), never as labels. The report is stored beside the day check's, as
 * `metadata/checks/qlib_us.1min.json`.
 */
import fs from 'node:fs';
import type { DatasetRegistry } from '../../datasets/index.ts';
import { openDuckDb } from '../../duckdb/duckdb-instance.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import { checkGold, type GoldCheckOptions } from './gold-check.ts';
import type { GoldCheckReport } from './gold-check-report.ts';
import { presentFiles } from './gold-job.ts';
import { lakeGoldDir } from './gold-store.ts';
import { writeLakeGoldCheck } from './lake-gold-check.ts';
import { MINUTE_BARS_DATASET, readDay, validMinuteBar } from './lake-minute-gold.ts';
import { minuteLabel, sessionMinutes, type MinuteSession } from './minute-calendar.ts';
import { ADJUSTED_BARS_DATASET, readSilverGold, UNIVERSE_DATASET } from './silver-gold-source.ts';

/** Spans (minute labels) and traded minutes (bits over the minute calendar) per instrument, from silver and bronze, up to the minute gold's last day. */
export async function minuteSilverExpectations(
  lakeRoot: string,
  registry: DatasetRegistry,
  opts: { duckdb: { threads: number; memoryLimit: string }; session: MinuteSession; qlibDir?: string },
): Promise<Pick<GoldCheckOptions, 'expectedSpans' | 'tradedBits'>> {
  const dir = opts.qlibDir ?? lakeGoldDir(lakeRoot, 'us', '1min');
  const labels = fs.existsSync(dir) ? readQlibCalendar(dir, '1min') : [];
  const end = labels.at(-1)?.slice(0, 10);
  if (!end || !registry.hasLayer(ADJUSTED_BARS_DATASET, 'silver')) return {};
  const reader = createLineageReader(lakeRoot);
  const bars = presentFiles(registry, reader, lakeRoot, ADJUSTED_BARS_DATASET, end);
  const universe = registry.hasLayer(UNIVERSE_DATASET, 'silver') ? presentFiles(registry, reader, lakeRoot, UNIVERSE_DATASET, end) : null;
  const minutes = registry.hasLayer(MINUTE_BARS_DATASET, 'bronze') ? presentFiles(registry, reader, lakeRoot, MINUTE_BARS_DATASET, end, 'bronze') : new Map<string, string>();
  const silver = await readSilverGold({ bars, universe }, end, opts.duckdb);
  const { session } = opts;
  const firstLabel = (d: string) => minuteLabel(d, sessionMinutes(d, session).first);
  const lastLabel = (d: string) => {
    const s = sessionMinutes(d, session);
    return minuteLabel(d, s.first + s.count - 1);
  };
  const expectedSpans = new Map<string, Array<{ start: string; end: string }>>();
  const nameOf = new Map<string, string>();
  for (const x of silver.instruments) {
    const name = instrumentName(x.code);
    nameOf.set(x.id, name);
    expectedSpans.set(name, x.spans.map((s) => ({ start: firstLabel(silver.calendar[s.start]!), end: lastLabel(silver.calendar[s.end]!) })));
  }
  // A minute missing from the stored calendar is the calendar rule's finding, not this one's.
  const index = new Map(labels.map((l, i) => [l, i] as const));
  const tradedBits = new Map<string, Uint8Array>();
  const db = await openDuckDb({ threads: opts.duckdb.threads, memoryLimit: opts.duckdb.memoryLimit });
  try {
    for (const date of silver.calendar) {
      const minuteFile = minutes.get(date);
      const silverFile = bars.get(date);
      if (!minuteFile || !silverFile) continue;
      const rows = await readDay(db, date, minuteFile, silverFile);
      const { first, count } = sessionMinutes(date, session);
      // The calendar line of each session minute of the day (-1: not in the stored calendar), looked up once a day, not per bar.
      const lineOf = Int32Array.from({ length: count }, (_, m) => index.get(minuteLabel(date, first + m)) ?? -1);
      const close = rows.cols[3]!;
      const volume = rows.cols[4]!;
      const factor = rows.cols[5]!;
      for (let k = 0; k < rows.id.length; k++) {
        const name = nameOf.get(rows.id[k]!);
        const m = rows.minute[k]! - first;
        if (!name || m < 0 || m >= count || !validMinuteBar(close[k]!, volume[k]!, factor[k]!)) continue;
        const i = lineOf[m]!;
        if (i < 0) continue;
        let bits = tradedBits.get(name);
        if (!bits) tradedBits.set(name, (bits = new Uint8Array((labels.length + 7) >> 3)));
        bits[i >> 3]! |= 1 << (i & 7);
      }
    }
  } finally {
    db.close();
  }
  return { expectedSpans, tradedBits };
}

/** Checks the lake's minute gold against silver and bronze and stores the report (unless `save` is false); returns it. */
export async function checkLakeMinuteGold(
  lakeRoot: string,
  registry: DatasetRegistry,
  opts: {
    duckdb: { threads: number; memoryLimit: string };
    session: MinuteSession;
    check?: Omit<GoldCheckOptions, 'freq' | 'session' | 'expectedSpans' | 'tradedBits'>;
    save?: boolean;
  },
): Promise<GoldCheckReport> {
  const dir = lakeGoldDir(lakeRoot, 'us', '1min');
  // One generation read throughout: an update switching the symlink meanwhile does not mix two.
  const real = fs.realpathSync(dir);
  const expected = await minuteSilverExpectations(lakeRoot, registry, { ...opts, qlibDir: real });
  const report = { ...checkGold(real, { ...opts.check, freq: '1min', session: opts.session, ...expected }), qlibDir: dir };
  if (opts.save !== false) await writeLakeGoldCheck(lakeRoot, report);
  return report;
}
