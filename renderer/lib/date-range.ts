/** Date ranges for the coverage heatmap: today in New York, and the preset spans (1 month … 20 years). */
import { DATASET_IDS, type DatasetId } from '../../core/vocabulary/dataset-ids.ts';

const nyDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in New York (the market's calendar day), as YYYY-MM-DD. */
export function todayInNewYork(now: Date = new Date()): string {
  return nyDate.format(now);
}

/** The same day `months` months earlier, clamped to the month's end (2024-03-31 minus 1 -> 2024-02-29). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The day after a date. */
export function nextDay(date: string): string {
  return addDaysIso(date, 1);
}

/** A date `days` calendar days later (earlier when negative). */
export function addDaysIso(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** A coverage link's target (`#/coverage/<dataset>/<from>/<to>`), or null when the params are not one. */
export function coverageFocus(params: readonly string[]): { dataset: DatasetId; from: string; to: string } | null {
  const [dataset, from, to] = params;
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!dataset || !(DATASET_IDS as readonly string[]).includes(dataset) || !from || !to || !day.test(from) || !day.test(to) || from > to) return null;
  return { dataset: dataset as DatasetId, from, to };
}

export const RANGE_PRESETS = [
  { id: '1m', label: '1 month', months: 1 },
  { id: '3m', label: '3 months', months: 3 },
  { id: '1y', label: '1 year', months: 12 },
  { id: '5y', label: '5 years', months: 60 },
  { id: '20y', label: '20 years', months: 240 },
] as const;

export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];

/** The range a preset covers, ending at `today` (inclusive both ends). */
export function presetRange(id: RangePresetId, today: string): { from: string; to: string } {
  const preset = RANGE_PRESETS.find((p) => p.id === id) ?? RANGE_PRESETS[0];
  return { from: nextDay(monthsBefore(today, preset.months)), to: today };
}
