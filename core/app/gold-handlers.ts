/**
 * The Gold panel: what the lake's Qlib directory holds (frequencies, calendar range, instruments,
 * markets), its last health check grouped by rule, and the Python that opens it. The report is the
 * one `quantmini qlib check` and the panel's own check store in metadata/checks/ (outside the Qlib
 * directory, which keeps exactly dump_all's files), so the panel shows the last one whoever ran it.
 * A check from the panel runs in the lake process: it reads every bin synchronously, which on a big
 * lake would stall the host's event loop (every other request and progress event) for seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { GoldCheckView, GoldStatusView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import type { LakeServiceClient } from '../lake-service/lake-service-client.ts';
import type { GoldCheckReport } from '../layers/gold/gold-check-report.ts';
import { lakeGoldDir } from '../layers/gold/gold-store.ts';
import { readLakeGoldCheck } from '../layers/gold/lake-gold-check.ts';

/** Findings shown per rule; the count says how many there are in all. */
const FINDINGS_PER_RULE = 200;

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

/** The panel's view of the lake's day gold. */
export function goldStatus(lakeRoot: string): GoldStatusView {
  const qlibDir = lakeGoldDir(lakeRoot);
  const exists = fs.existsSync(path.join(qlibDir, 'calendars'));
  const frequencies = exists ? txtNames(path.join(qlibDir, 'calendars')) : [];
  const days = exists ? lines(path.join(qlibDir, 'calendars', 'day.txt')) : [];
  const instruments = exists ? new Set(lines(path.join(qlibDir, 'instruments', 'all.txt')).map((l) => l.split('\t')[0])).size : 0;
  const report = readLakeGoldCheck(lakeRoot);
  const minute = readLakeGoldCheck(lakeRoot, 'us', '1min');
  return {
    qlibDir,
    exists,
    frequencies,
    calendar: exists ? { first: days[0] ?? null, last: days[days.length - 1] ?? null, length: days.length } : null,
    instruments,
    markets: exists ? txtNames(path.join(qlibDir, 'instruments')) : [],
    report: report ? groupReport(report) : null,
    minuteReport: minute ? groupReport(minute) : null,
    // JSON.stringify quotes the path as a Python string literal would need (backslashes, quotes).
    python: ['import qlib', `qlib.init(provider_uri=${JSON.stringify(qlibDir)}, region="us")`],
  };
}

/** `gold.status` and `gold.check` for the current lake; the check runs in the lake process. */
export function goldHandlers(lakeRoot: () => string, lake: Pick<LakeServiceClient, 'call'>): Pick<Handlers, 'gold.status' | 'gold.check'> {
  return {
    'gold.status': () => goldStatus(lakeRoot()),
    'gold.check': async () => {
      await lake.call('goldCheck', {});
      return goldStatus(lakeRoot());
    },
  };
}
