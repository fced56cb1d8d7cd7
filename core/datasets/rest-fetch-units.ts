import {
  addDays, etMidnightUtc, isIsoDate, isTradingDay, nextTradingDay, previousTradingDay, tradingDays,
} from '../calendar/index.ts';
import type { IsoDate } from '../calendar/index.ts';
import type { RestDatasetDeclaration, RestDatasetId, RestFetchKind, RestQuery } from './rest-dataset-types.ts';
import { restDataset } from './rest-datasets.ts';

// A fetch unit is what one job fetches: a run of consecutive trading days (its partitions) and the
// calendar window it requests. Every calendar day belongs to exactly one partition (itself when it
// trades, else the next trading day), so units tile the calendar: a unit's window starts the day
// after the trading day before its first partition and ends on its last partition.

/** One fetch: the partitions it writes and the window it asks for. */
export interface RestFetchUnit {
  dataset: RestDatasetId;
  kind: RestFetchKind;
  /** The unit's first partition; its landing folder is named for it. */
  key: IsoDate;
  /** Trading days this unit writes, ascending (a day without records gets a 0-row file). */
  partitions: IsoDate[];
  /** First and last calendar day requested. */
  from: IsoDate;
  to: IsoDate;
  /** snapshot-interval units: the universe snapshots bounding the interval. */
  snapshots?: { previous: IsoDate; current: IsoDate };
}

/** When the universe is snapshotted: daily from `tickersDailyFrom`, month ends before it. */
export interface RestScheduleSettings {
  tickersDailyFrom: IsoDate;
}

/** The partition a record dated `date` belongs to: that day if it trades, else the next trading day. */
export function partitionDateOf(date: IsoDate): IsoDate {
  return isTradingDay(date) ? date : nextTradingDay(date);
}

/** True for the last trading day of its calendar month. */
function isMonthEnd(date: IsoDate): boolean {
  return isTradingDay(date) && nextTradingDay(date).slice(0, 7) !== date.slice(0, 7);
}

/**
 * Snapshot dates of the point-in-time universe in [from, to]: every trading day from `dailyFrom` on,
 * and the last trading day of each month before it. Why month ends for the past: a snapshot is a full
 * listing (about 12,000 active and more inactive names, 30-odd pages), so 20 years daily is 150,000
 * requests where month ends are 7,000; and nothing is lost between two month ends, because a name
 * that listed in between is in the later active list, and one that delisted in between is in its
 * inactive list with its delisted_utc. Daily going forward costs one snapshot per update.
 */
export function tickerSnapshotDates(from: IsoDate, to: IsoDate, dailyFrom: IsoDate): IsoDate[] {
  if (from > to) return [];
  return tradingDays(from, to).filter((d) => d >= dailyFrom || isMonthEnd(d));
}

/** The first snapshot on or after `date`. */
function snapshotOnOrAfter(date: IsoDate, dailyFrom: IsoDate): IsoDate {
  const found = tickerSnapshotDates(date, addDays(date, 40), dailyFrom)[0];
  if (!found) throw new Error(`no universe snapshot within 40 days after ${date}`);
  return found;
}

/** The last snapshot strictly before `date`. */
function snapshotBefore(date: IsoDate, dailyFrom: IsoDate): IsoDate {
  const found = tickerSnapshotDates(addDays(date, -45), addDays(date, -1), dailyFrom).at(-1);
  if (!found) throw new Error(`no universe snapshot within 45 days before ${date}`);
  return found;
}

/** The first universe snapshot of the lake's history (ticker_events start after it). */
export function firstTickerSnapshot(schedule: RestScheduleSettings): IsoDate {
  return snapshotOnOrAfter(restDataset('tickers').firstDate, schedule.tickersDailyFrom);
}

/** A unit over consecutive trading days, its window starting the day after the trading day before them. */
function unitOver(decl: RestDatasetDeclaration, partitions: IsoDate[]): RestFetchUnit {
  const first = partitions[0] as IsoDate;
  const last = partitions[partitions.length - 1] as IsoDate;
  return { dataset: decl.id, kind: decl.fetch.kind, key: first, partitions, from: addDays(previousTradingDay(first), 1), to: last };
}

/** The fetch unit that writes the partition of `date` (a non-trading day maps to the next trading day). */
export function restFetchUnitOf(
  dataset: RestDatasetId | RestDatasetDeclaration,
  date: IsoDate,
  schedule: RestScheduleSettings,
): RestFetchUnit {
  const decl = typeof dataset === 'string' ? restDataset(dataset) : dataset;
  if (!isIsoDate(date)) throw new RangeError(`${decl.id}: "${date}" is not a date as YYYY-MM-DD`);
  const p = partitionDateOf(date);
  switch (decl.fetch.kind) {
    case 'day':
      return unitOver(decl, [p]);
    case 'month': {
      const month = p.slice(0, 7);
      const start = `${month}-01`;
      const days = tradingDays(start, addDays(start, 30)).filter((d) => d.startsWith(month));
      return unitOver(decl, days);
    }
    case 'snapshot':
      // Any trading day can be snapshotted; the schedule only says which ones are expected.
      return { dataset: decl.id, kind: 'snapshot', key: p, partitions: [p], from: p, to: p };
    case 'snapshot-interval': {
      const first = firstTickerSnapshot(schedule);
      if (p <= first) throw new RangeError(`${decl.id}: starts after the first universe snapshot (${first}); ${p} is not after it`);
      const current = snapshotOnOrAfter(p, schedule.tickersDailyFrom);
      const previous = snapshotBefore(current, schedule.tickersDailyFrom);
      const partitions = tradingDays(addDays(previous, 1), current);
      return { ...unitOver(decl, partitions), snapshots: { previous, current } };
    }
  }
}

/** Partitions of a dataset that should exist in [from, to] (inside its history). */
export function restExpectedPartitions(dataset: RestDatasetId, from: IsoDate, to: IsoDate, schedule: RestScheduleSettings): IsoDate[] {
  const decl = restDataset(dataset);
  const start = from < decl.firstDate ? decl.firstDate : from;
  if (start > to) return [];
  if (decl.fetch.kind === 'snapshot') return tickerSnapshotDates(start, to, schedule.tickersDailyFrom);
  const days = tradingDays(start, to);
  if (decl.fetch.kind !== 'snapshot-interval') return days;
  const first = firstTickerSnapshot(schedule);
  return days.filter((d) => d > first);
}

/** The units writing every expected partition of [from, to], in date order, each once. */
export function restFetchUnitsBetween(dataset: RestDatasetId, from: IsoDate, to: IsoDate, schedule: RestScheduleSettings): RestFetchUnit[] {
  const units: RestFetchUnit[] = [];
  let covered = '';
  for (const date of restExpectedPartitions(dataset, from, to, schedule)) {
    if (date <= covered) continue;
    const unit = restFetchUnitOf(dataset, date, schedule);
    units.push(unit);
    covered = unit.partitions[unit.partitions.length - 1] as IsoDate;
  }
  return units;
}

/** An instant as the API takes it: RFC 3339 with seconds, in UTC. */
function instantParam(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A query's parameters for a unit, placeholders filled (see RestQuery); `limit` = page size. */
export function fillQueryParams(query: RestQuery, unit: RestFetchUnit, limit: number): Record<string, string> {
  const values: Record<string, string> = {
    from: unit.from,
    to: unit.to,
    fromInstant: instantParam(etMidnightUtc(unit.from)),
    toInstant: instantParam(etMidnightUtc(addDays(unit.to, 1))),
    limit: String(limit),
  };
  if (unit.partitions.length === 1) values.date = unit.key;
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(query.params)) {
    out[name] = template.replace(/\{(\w+)\}/g, (_, key: string) => {
      const v = values[key];
      if (v === undefined) throw new Error(`${unit.dataset}: parameter ${name} needs {${key}}, which a ${unit.kind} unit does not have`);
      return v;
    });
  }
  return out;
}

/** A per-entity path with its `{id}` filled (URL-encoded). */
export function fillPath(query: RestQuery, id: string | null): string {
  if (!query.path.includes('{id}')) return query.path;
  if (id === null) throw new Error(`${query.path} needs an id`);
  return query.path.replace('{id}', encodeURIComponent(id));
}
