/**
 * Formatting for everything the UI shows: sizes, counts, durations, rates, ETAs and dates. Pure
 * functions (no React), so they are unit-tested in node. The conventions, one each: dates day
 * first ("4 Mar 2024"), instants in New York time (grids can switch to UTC), exact counts with
 * thousands separators wherever numbers are compared, sizes in binary units labelled KiB/MiB/GiB.
 * `null` renders as an em dash so tables never show "null".
 */

/** What a missing value renders as. */
export const NONE = '—';

const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Bytes in binary units, labelled as such (1 KiB = 1024 B): "0 B", "950 B", "1.46 KiB",
 * "55.7 MiB". The one size formatter of the renderer, so every page counts the same way.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NONE;
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${Math.round(value)} B`;
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  // Rounding can carry past the unit (1023.96 KiB -> "1024 KiB"); step up instead.
  if (Number(value.toFixed(digits)) >= 1024 && unit < SIZE_UNITS.length - 1) return `${sign}1.00 ${SIZE_UNITS[unit + 1]}`;
  return `${sign}${value.toFixed(digits)} ${SIZE_UNITS[unit]}`;
}

const countFormat = new Intl.NumberFormat('en-US');

/** An integer count with thousands separators: 1830000 -> "1,830,000". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return countFormat.format(Math.round(n));
}

/** A count in compact form for tight spaces: 950 -> "950", 12400 -> "12.4k", 1830000 -> "1.83M". */
export function formatCompactCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  const abs = Math.abs(n);
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = n / size;
      const digits = Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0;
      return `${Number(v.toFixed(digits))}${suffix}`;
    }
  }
  return String(Math.round(n));
}

/** A percentage with one decimal below 10 and none above: 4.25 -> "4.3%", 71.6 -> "72%". */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return NONE;
  return `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A duration in milliseconds: "850 ms", "4.2 s", "1m 05s", "2h 03m", "3d 4h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return NONE;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m ${pad2(seconds)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad2(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Bytes per second: "12.4 MB/s"; null or non-positive rates render as a dash. */
export function formatByteRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !(bytesPerSecond > 0)) return NONE;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Rows per second: "452k rows/s". */
export function formatRowRate(rowsPerSecond: number | null | undefined): string {
  if (rowsPerSecond === null || rowsPerSecond === undefined || !(rowsPerSecond > 0)) return NONE;
  return `${formatCompactCount(rowsPerSecond)} rows/s`;
}

/** Seconds left: "< 1 s", "12 s", "1m 05s", "2h 03m"; null (unknown) renders as a dash. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return NONE;
  if (seconds < 1) return '< 1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return formatDuration(seconds * 1000);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** A trading date (YYYY-MM-DD, no time zone involved): "Mon 4 Mar 2024". */
export function formatTradingDate(date: string | null | undefined): string {
  if (!date) return NONE;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${d} ${MONTHS[mo - 1]} ${y}`;
}

/** A trading date without the weekday, for compact labels: "4 Mar 2024". */
export function formatShortDate(date: string | null | undefined): string {
  if (!date) return NONE;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A date range, collapsing equal ends: "4 Mar 2024" or "4 Mar 2024 – 8 Mar 2024". */
export function formatDateRange(from: string, to: string): string {
  return from === to ? formatShortDate(from) : `${formatShortDate(from)} – ${formatShortDate(to)}`;
}

const zoneFormat = (timeZone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });

// Made when the module loads, with the app: the first time-zone formatter loads ICU's zone data,
// 40-190 ms of main thread here, which must not land inside a preview or a page switch.
const zoneFormats = new Map<string, Intl.DateTimeFormat>([
  ['America/New_York', zoneFormat('America/New_York')],
  ['UTC', zoneFormat('UTC')],
]);

/** Calendar and clock fields of an instant in a time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes ahead of UTC (-300 for New York in winter). */
  offsetMinutes: number;
}

/** The wall-clock fields of `ms` (epoch milliseconds) in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = zoneFormat(timeZone);
    zoneFormats.set(timeZone, format);
  }
  const f: Record<string, number> = {};
  for (const p of format.formatToParts(ms)) if (p.type !== 'literal') f[p.type] = Number(p.value);
  const [year, month, day, hour, minute, second] = [f.year ?? 0, f.month ?? 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  return { year, month, day, hour, minute, second, offsetMinutes: Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000) };
}

/** An instant shown in New York time, day first like every date in the app: "4 Mar 2024, 14:05:09 ET". */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const p = zonedParts(t, 'America/New_York');
  return `${p.day} ${MONTHS[p.month - 1]} ${p.year}, ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)} ET`;
}

/** How long ago an instant was, relative to `now`: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return NONE;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((now - t) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** Freshness in words: 0 -> "Up to date", 1 -> "1 trading day behind", null -> "No data yet". */
export function formatDaysBehind(days: number | null | undefined): string {
  if (days === null || days === undefined) return 'No data yet';
  if (days <= 0) return 'Up to date';
  return `${formatCount(days)} trading day${days === 1 ? '' : 's'} behind`;
}

/** A noun with its count: (1, 'day') -> "1 day", (3, 'day') -> "3 days"; irregular plurals passed in. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : pluralNoun}`;
}

/** A state word as people read it: "not_entitled" -> "Not entitled". */
export function humanize(word: string): string {
  const spaced = word.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
