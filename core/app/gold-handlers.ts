/**
 * The Gold panel: what the lake's Qlib directory holds (frequencies, calendar range, instruments,
 * markets), its last health check grouped by rule, and the Python that opens it. A check run from
 * the panel is stored beside gold's partition records (metadata/gold/qlib_us/health-check-<freq>.json,
 * outside the Qlib directory, which keeps exactly dump_all's files), so the panel shows the last one
 * after a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { GoldCheckView, GoldStatusView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import { GOLD_DAY_DATASET } from '../datasets/gold-datasets.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { checkGold } from '../layers/gold/gold-check.ts';
import { goldCheckReportSchema, type GoldCheckReport } from '../layers/gold/gold-check-report.ts';
import { lakeGoldDir } from '../layers/gold/gold-store.ts';

/** Findings shown per rule; the count says how many there are in all. */
const FINDINGS_PER_RULE = 200;

/** Where the panel keeps the last health check of one frequency. */
export function goldCheckFile(lakeRoot: string, freq = 'day'): string {
  return path.join(lakePaths(lakeRoot).metadataDir('gold', GOLD_DAY_DATASET), `health-check-${freq}.json`);
}

function lines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function txtNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A report grouped by rule, errors first, each group's findings capped. */
export function groupReport(report: GoldCheckReport): GoldCheckView {
  const groups = new Map<string, GoldCheckView['groups'][number]>();
  for (const f of report.findings) {
    const g = groups.get(f.rule) ?? { rule: f.rule, level: f.level, count: 0, findings: [] };
    g.count++;
    if (f.level === 'error') g.level = 'error';
    if (g.findings.length < FINDINGS_PER_RULE) {
      const { instrument, field, dates, dateCount, message, value } = f;
      g.findings.push({ instrument, field, dates, dateCount, message, value });
    }
    groups.set(f.rule, g);
  }
  const ordered = [...groups.values()].sort((a, b) => (a.level === b.level ? a.rule.localeCompare(b.rule) : a.level === 'error' ? -1 : 1));
  return { checkedAt: report.checkedAt, ok: report.ok, counts: report.counts, groups: ordered };
}

function readStoredReport(lakeRoot: string): GoldCheckReport | null {
  let text: string;
  try {
    text = fs.readFileSync(goldCheckFile(lakeRoot), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = goldCheckReportSchema.safeParse(JSON.parse(text));
  // A report from another version of the schema is not shown rather than shown wrong.
  return parsed.success ? parsed.data : null;
}

/** The panel's view of the lake's day gold. */
export function goldStatus(lakeRoot: string): GoldStatusView {
  const qlibDir = lakeGoldDir(lakeRoot);
  const exists = fs.existsSync(path.join(qlibDir, 'calendars'));
  const frequencies = exists ? txtNames(path.join(qlibDir, 'calendars')) : [];
  const days = exists ? lines(path.join(qlibDir, 'calendars', 'day.txt')) : [];
  const instruments = exists ? new Set(lines(path.join(qlibDir, 'instruments', 'all.txt')).map((l) => l.split('\t')[0])).size : 0;
  const report = readStoredReport(lakeRoot);
  return {
    qlibDir,
    exists,
    frequencies,
    calendar: exists ? { first: days[0] ?? null, last: days[days.length - 1] ?? null, length: days.length } : null,
    instruments,
    markets: exists ? txtNames(path.join(qlibDir, 'instruments')) : [],
    report: report ? groupReport(report) : null,
    // JSON.stringify quotes the path as a Python string literal would need (backslashes, quotes).
    python: ['import qlib', `qlib.init(provider_uri=${JSON.stringify(qlibDir)}, region="us")`],
  };
}

/** Runs `quantmini qlib check`'s rules on the lake's day gold and stores the report. */
export async function runGoldCheck(lakeRoot: string): Promise<GoldStatusView> {
  const qlibDir = lakeGoldDir(lakeRoot);
  if (!fs.existsSync(path.join(qlibDir, 'calendars'))) {
    throw new RequestError('not_found', `no Qlib directory at ${qlibDir} yet: run an update with gold enabled`);
  }
  const report = checkGold(qlibDir, { freq: 'day' });
  await writeFileAtomic(goldCheckFile(lakeRoot), `${JSON.stringify(report, null, 2)}\n`, { lakeRoot });
  return goldStatus(lakeRoot);
}

/** `gold.status` and `gold.check` for the current lake. */
export function goldHandlers(lakeRoot: () => string): Pick<Handlers, 'gold.status' | 'gold.check'> {
  return {
    'gold.status': () => goldStatus(lakeRoot()),
    'gold.check': () => runGoldCheck(lakeRoot()),
  };
}
