/**
 * Timestamps of Qlib calendars: `%Y-%m-%d` lines for freq `day`, `%Y-%m-%d %H:%M:%S` for every other
 * freq (dump_bin.py's two formats). Inside the writer a timestamp is a "key": seconds since
 * 1970-01-01 00:00 in the data's own wall-clock time (no zone), so keys sort like the timestamps.
 */
import { civilOf, dayNumberOf, daysInMonth } from '../calendar/iso-date.ts';

/** Calendar line format of a frequency, as dump_bin.py picks it. */
export function calendarFormat(freq: string): 'date' | 'datetime' {
  return freq === 'day' ? 'date' : 'datetime';
}

const num = (buf: Uint8Array, at: number, count: number): number => {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
};

/**
 * Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.000...`
 * (a zero fraction only), surrounded by optional spaces, into a key; NaN when it is anything else.
 * pandas would guess at other spellings (and at zones); we refuse them rather than guess.
 */
export function parseTimestampKey(buf: Uint8Array, s: number, e: number): number {
  while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
  while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
  const len = e - s;
  if (len < 10 || buf[s + 4] !== 45 || buf[s + 7] !== 45) return Number.NaN;
  const y = num(buf, s, 4);
  const m = num(buf, s + 5, 2);
  const d = num(buf, s + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  let seconds = 0;
  if (len > 10) {
    const sep = buf[s + 10];
    if ((sep !== 32 && sep !== 84) || len < 16 || buf[s + 13] !== 58) return Number.NaN;
    const hh = num(buf, s + 11, 2);
    const mm = num(buf, s + 14, 2);
    let ss = 0;
    let p = s + 16;
    if (p < e) {
      if (buf[p] !== 58 || e - p < 3) return Number.NaN;
      ss = num(buf, p + 1, 2);
      p += 3;
      if (p < e) {
        if (buf[p] !== 46 || p + 1 === e) return Number.NaN;
        for (p++; p < e; p++) if (buf[p] !== 48) return Number.NaN;
      }
    }
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return Number.NaN;
    seconds = hh * 3600 + mm * 60 + ss;
  }
  return dayNumberOf(y, m, d) * 86_400 + seconds;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

/** Formats a key as a calendar line for `freq`. */
export function formatTimestampKey(key: number, freq: string): string {
  const day = Math.floor(key / 86_400);
  const { y, m, d } = civilOf(day);
  const date = `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
  if (calendarFormat(freq) === 'date') return date;
  const sec = key - day * 86_400;
  return `${date} ${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor((sec % 3600) / 60))}:${pad2(sec % 60)}`;
}

/** Whether a key has a time of day other than midnight. */
export function hasTimeOfDay(key: number): boolean {
  return key % 86_400 !== 0;
}
