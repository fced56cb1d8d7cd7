import { addDays, isIsoDate, previousTradingDay } from '../calendar/index.ts';
import type { IsoDate } from '../calendar/index.ts';
import { restExpectedPartitions, restFetchUnitsBetween, type RestFetchUnit, type RestScheduleSettings } from './rest-fetch-units.ts';
import type { RestDatasetId } from './rest-dataset-types.ts';
import { restDataset } from './rest-datasets.ts';

/** How far an update refetches; unset fields fall back to each declaration's own refresh window. */
export interface RestRefreshSettings extends RestScheduleSettings {
  /** Trading days back, for every dataset that refetches at all (declared lookback above 0). */
  lookbackTradingDays?: number;
  /** Calendar days ahead, for every dataset that looks ahead at all (announced actions). */
  lookaheadCalendarDays?: number;
  /** Per-dataset values, which win over both. */
  perDataset?: Partial<Record<RestDatasetId, { lookbackTradingDays?: number; lookaheadCalendarDays?: number }>>;
}

/** What an update of one dataset refetches. */
export interface RestRefreshPlan {
  dataset: RestDatasetId;
  /** The newest day whose data is final: the trading day before `today`. */
  lastComplete: IsoDate;
  from: IsoDate;
  to: IsoDate;
  /** Partitions in [from, to] that should exist. */
  partitions: IsoDate[];
  /** The fetches that write them (a month unit refetches its whole month). */
  units: RestFetchUnit[];
}

/** `n` trading days before `date` (0 = the date itself). */
function tradingDaysBack(date: IsoDate, n: number): IsoDate {
  let d = date;
  for (let i = 0; i < n; i++) d = previousTradingDay(d);
  return d;
}

/** A window length from settings: a whole number of days, at least 0. */
function windowLength(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number of days, at least 0 (got ${v})`);
  return v;
}

/**
 * The partitions an update on `today` (New York date) refetches: the last complete trading day and
 * the `lookbackTradingDays` before it, because corporate actions are corrected after the fact, plus
 * `lookaheadCalendarDays` ahead for datasets whose records are announced before they happen. Pure.
 */
export function restPartitionsToRefresh(dataset: RestDatasetId, today: IsoDate, settings: RestRefreshSettings): RestRefreshPlan {
  if (!isIsoDate(today)) throw new RangeError(`today must be a date as YYYY-MM-DD (got "${today}")`);
  const decl = restDataset(dataset);
  const own = settings.perDataset?.[dataset] ?? {};
  const declaredBack = decl.refresh.lookbackTradingDays;
  const declaredAhead = decl.refresh.lookaheadCalendarDays;
  const globalBack = declaredBack > 0 ? settings.lookbackTradingDays : undefined;
  const globalAhead = declaredAhead > 0 ? settings.lookaheadCalendarDays : undefined;
  const back = windowLength(own.lookbackTradingDays ?? globalBack, declaredBack, 'lookbackTradingDays');
  const ahead = windowLength(own.lookaheadCalendarDays ?? globalAhead, declaredAhead, 'lookaheadCalendarDays');
  const lastComplete = previousTradingDay(today);
  const from = tradingDaysBack(lastComplete, back);
  const to = ahead > 0 ? addDays(today, ahead) : lastComplete;
  return {
    dataset,
    lastComplete,
    from,
    to,
    partitions: restExpectedPartitions(dataset, from, to, settings),
    units: restFetchUnitsBetween(dataset, from, to, settings),
  };
}
