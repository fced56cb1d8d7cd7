/**
 * Health check of a Qlib directory (ours or anyone's): Qlib's own check_data_health rules (missing
 * values, price steps over 50% and volume steps over 3x, OHLCV and factor present, lowercase feature
 * folders) plus ours (calendar well formed and equal to the NYSE calendar over its range, spans
 * parse, every bin's start and length match its instrument's spans, no NaN on a day the instrument
 * traded when those days are given, spans equal the expected ones when given). Every finding names
 * the instrument, the field and the dates. Reads one instrument's bins at a time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tradingDays } from '../../calendar/index.ts';
import { featureDirName } from '../../qlib/qlib-symbols.ts';
import { GOLD_CHECK_RULES, MAX_FINDING_DATES, type GoldCheckReport, type GoldCheckRule, type GoldFinding } from './gold-check-report.ts';
import { minuteLabelsOfDay, type MinuteSession } from './minute-calendar.ts';

/** What to check against. */
export interface GoldCheckOptions {
  /** Frequency of the data (default `day`). */
  freq?: string;
  /** Qlib's --large_step_threshold_price (default 0.5). */
  priceStep?: number;
  /** Qlib's --large_step_threshold_volume (default 3). */
  volumeStep?: number;
  /** Qlib's --missing_data_num: NaN counts above this are reported (default 0). */
  missingDataNum?: number;
  /** Compare the calendar with the NYSE calendar (default) or not (data of other markets). */
  calendar?: 'nyse' | 'none';
  /** For minute data: which session the calendar should hold (default: whichever matches). */
  session?: MinuteSession;
  /** Days (calendar labels) each instrument traded, from silver: a NaN on one of them is an error. */
  tradedDays?: ReadonlyMap<string, readonly string[]>;
  /**
   * The same as a bitset over calendar indices (bit i of byte i >> 3 set: traded at calendar line i),
   * for minute data, where label lists of every traded minute would not fit in memory.
   */
  tradedBits?: ReadonlyMap<string, Uint8Array>;
  /** The spans each instrument should have (from the point-in-time universe): differences are errors. */
  expectedSpans?: ReadonlyMap<string, ReadonlyArray<{ start: string; end: string }>>;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const PRICE_FIELDS = ['open', 'high', 'low', 'close'];
const REQUIRED = ['open', 'high', 'low', 'close', 'volume'];
/** The fields Qlib's checker loads; its missing-data rule counts NaN in these. */
const QLIB_FIELDS = ['open', 'close', 'low', 'high', 'volume', 'factor'];

interface Span {
  start: number;
  end: number;
}

/** Checks the Qlib directory at `qlibDir` and returns the report (it throws only when the directory cannot be read at all). */
export function checkGold(qlibDir: string, options: GoldCheckOptions = {}): GoldCheckReport {
  const freq = options.freq ?? 'day';
  const priceStep = options.priceStep ?? 0.5;
  const volumeStep = options.volumeStep ?? 3;
  const missingDataNum = options.missingDataNum ?? 0;
  const findings: GoldFinding[] = [];
  const add = (
    rule: GoldCheckRule,
    level: 'error' | 'warning',
    instrument: string | null,
    field: string | null,
    dates: readonly string[],
    message: string,
    value: number | null = null,
  ) => {
    findings.push({ rule, level, instrument, field, dates: dates.slice(0, MAX_FINDING_DATES), dateCount: dates.length, message, value });
  };
  const dir = path.resolve(qlibDir);
  if (!fs.existsSync(dir)) throw new Error(`no Qlib directory at ${dir}`);

  // Calendar.
  const calFile = path.join(dir, 'calendars', `${freq}.txt`);
  let calendar: string[] = [];
  if (!fs.existsSync(calFile)) add('calendar_format', 'error', null, null, [], `no calendar file ${path.relative(dir, calFile)}`);
  else {
    const text = fs.readFileSync(calFile, 'utf8');
    calendar = text.split('\n');
    if (calendar.at(-1) === '') calendar.pop();
    else if (text.length) add(
      'calendar_format',
      'warning',
      null,
      null,
      [calendar.at(-1)!],
      'the calendar file does not end with a newline',
    );
    const re = freq === 'day' ? DAY_RE : MINUTE_RE;
    const bad = calendar.filter((l) => !re.test(l));
    if (bad.length) add(
      'calendar_format',
      'error',
      null,
      null,
      bad,
      `${bad.length} calendar lines are not ${freq === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:MM:SS'}`,
    );
    const unordered = calendar.filter((l, i) => i > 0 && l <= calendar[i - 1]!);
    if (unordered.length) add(
      'calendar_format',
      'error',
      null,
      null,
      unordered,
      `${unordered.length} calendar lines do not come after the line before (Qlib bisects the calendar)`,
    );
  }
  const index = new Map(calendar.map((l, i) => [l, i]));
  const calendarOk = !findings.some((f) => f.rule === 'calendar_format' && f.level === 'error');
  if (calendar.length && calendarOk && (options.calendar ?? 'nyse') === 'nyse') checkNyse(calendar, freq, options.session, add);

  // Instruments and their spans.
  const badSpans = new Set<string>();
  const spans = readSpans(dir, index, add, badSpans);

  // Feature folders.
  const featuresDir = path.join(dir, 'features');
  const entries = fs.existsSync(featuresDir) ? fs.readdirSync(featuresDir, { withFileTypes: true }) : [];
  const folders = entries.filter((d) => d.isDirectory()).map((d) => d.name);
  const upper = folders.filter((n) => n !== n.toLowerCase());
  for (const n of upper) add(
    'features_dir_lowercase',
    'error',
    n,
    null,
    [],
    `features/${n} has upper-case letters; Qlib looks for features/${n.toLowerCase()} and will not find it on a case-sensitive disk`,
  );
  const claimed = new Set([...spans.keys()].map(featureDirName));
  for (const n of folders) if (!claimed.has(n) && !upper.includes(n)) add(
    'orphan_features',
    'warning',
    n,
    null,
    [],
    `features/${n} belongs to no instrument in all.txt`,
  );

  const suffix = `.${freq.toLowerCase()}.bin`;
  let bins = 0;
  for (const [inst, list] of spans) {
    const folder = path.join(featuresDir, featureDirName(inst));
    const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith(suffix)) : [];
    if (files.length === 0) {
      add(
        'bin_missing',
        'error',
        inst,
        null,
        [],
        `no ${suffix} files in features/${featureDirName(inst)} for an instrument listed in all.txt`,
      );
      continue;
    }
    const first = list[0]!.start;
    const last = list.at(-1)!.end;
    const series = new Map<string, { start: number; values: Float32Array }>();
    const present = new Set<string>();
    for (const name of files) {
      bins++;
      const field = name.slice(0, -suffix.length);
      present.add(field);
      const bytes = fs.readFileSync(path.join(folder, name));
      if (bytes.length < 4 || bytes.length % 4 !== 0) {
        add('bin_header', 'error', inst, field, [], `${bytes.length} bytes is not a start index plus float32 values`);
        continue;
      }
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      const start = all[0]!;
      if (!Number.isInteger(start) || start < 0 || start >= calendar.length) {
        add('bin_header', 'error', inst, field, [], `start index ${start} is not an index of the ${calendar.length}-line calendar`);
        continue;
      }
      const values = all.subarray(1);
      const end = start + values.length - 1;
      // Spans already reported as broken say nothing reliable about the bins.
      if (badSpans.has(inst)) continue;
      if (start !== first || end !== last) {
        const got = values.length ? `${calendar[start]}..${calendar[end] ?? `index ${end}`}` : `${calendar[start]} with no values`;
        add(
          'bin_length',
          'error',
          inst,
          field,
          [calendar[first]!, calendar[last]!],
          `the bin covers ${got} (${values.length} values) but the spans run ` +
            `${calendar[first]}..${calendar[last]} (${last - first + 1} days)`,
        );
        continue;
      }
      series.set(field, { start, values });
    }
    if (!badSpans.has(inst)) checkValues(
      inst,
      list,
      series,
      present,
      calendar,
      { priceStep, volumeStep, missingDataNum },
      options.tradedDays?.get(inst) ?? labelsOfBits(options.tradedBits?.get(inst), calendar),
      index,
      add,
    );
  }
  if (options.expectedSpans) compareSpans(spans, options.expectedSpans, calendar, add);

  const rank = (f: GoldFinding) => GOLD_CHECK_RULES.indexOf(f.rule);
  findings.sort((a, b) => rank(a) - rank(b) || (a.instrument ?? '').localeCompare(b.instrument ?? ''));
  const errors = findings.filter((f) => f.level === 'error').length;
  return {
    format: 'quantmini-qlib-check',
    version: 1,
    qlibDir: dir,
    freq,
    checkedAt: new Date().toISOString(),
    calendar: { length: calendar.length, first: calendar[0] ?? null, last: calendar.at(-1) ?? null },
    instruments: spans.size,
    bins,
    thresholds: { priceStep, volumeStep, missingDataNum },
    counts: { error: errors, warning: findings.length - errors },
    ok: errors === 0,
    findings,
  };
}

/** The calendar labels whose bits are set (one instrument's at a time). */
function labelsOfBits(bits: Uint8Array | undefined, calendar: readonly string[]): string[] | undefined {
  if (!bits) return undefined;
  const out: string[] = [];
  for (let i = 0; i < calendar.length; i++) if (bits[i >> 3]! & (1 << (i & 7))) out.push(calendar[i]!);
  return out;
}

type Add = (
  rule: GoldCheckRule,
  level: 'error' | 'warning',
  instrument: string | null,
  field: string | null,
  dates: readonly string[],
  message: string,
  value?: number | null,
) => void;

/** Day data: the calendar must be exactly the NYSE trading days from its first to its last line; minute data: their session minutes. */
function checkNyse(calendar: readonly string[], freq: string, session: MinuteSession | undefined, add: Add): void {
  const firstDay = calendar[0]!.slice(0, 10);
  const lastDay = calendar.at(-1)!.slice(0, 10);
  const days = tradingDays(firstDay, lastDay);
  if (freq === 'day') {
    const have = new Set(calendar);
    const want = new Set(days);
    const missing = days.filter((d) => !have.has(d));
    const extra = calendar.filter((d) => !want.has(d));
    if (missing.length) add(
      'calendar_nyse',
      'error',
      null,
      null,
      missing,
      `${missing.length} NYSE trading days are missing from the calendar`,
    );
    if (extra.length) add('calendar_nyse', 'error', null, null, extra, `${extra.length} calendar days are not NYSE trading days`);
    return;
  }
  if (freq !== '1min') return;
  const sessions: MinuteSession[] = session ? [session] : ['regular', 'extended'];
  let best: { session: MinuteSession; missing: string[]; extra: string[] } | null = null;
  for (const s of sessions) {
    const want = new Set<string>();
    for (const d of days) for (const l of minuteLabelsOfDay(d, s)) want.add(l);
    const have = new Set(calendar);
    const missing = [...want].filter((l) => !have.has(l));
    const extra = calendar.filter((l) => !want.has(l));
    if (!best || missing.length + extra.length < best.missing.length + best.extra.length) best = { session: s, missing, extra };
    if (!missing.length && !extra.length) return;
  }
  if (best!.missing.length) add(
    'calendar_nyse',
    'error',
    null,
    null,
    best!.missing,
    `${best!.missing.length} minutes of the NYSE ${best!.session} session are missing from the calendar`,
  );
  if (best!.extra.length) add(
    'calendar_nyse',
    'error',
    null,
    null,
    best!.extra,
    `${best!.extra.length} calendar minutes are outside the NYSE ${best!.session} session`,
  );
}

/** all.txt as spans per instrument (calendar indices), sorted; bad lines become findings (and the instrument is marked). */
function readSpans(dir: string, index: ReadonlyMap<string, number>, add: Add, badSpans: Set<string>): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  const file = path.join(dir, 'instruments', 'all.txt');
  if (!fs.existsSync(file)) {
    add('instruments_format', 'error', null, null, [], 'no instruments/all.txt');
    return out;
  }
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const [inst, a, b] = line.split('\t');
      const start = a === undefined ? undefined : index.get(a.trim());
      const end = b === undefined ? undefined : index.get(b.trim());
      if (!inst || start === undefined || end === undefined || start > end) {
        const dates = [a, b].filter((d): d is string => Boolean(d));
        if (inst) badSpans.add(inst);
        add(
          'instruments_format',
          'error',
          inst || null,
          null,
          dates,
          `all.txt line ${i + 1} is not INSTRUMENT<TAB>start<TAB>end with calendar dates in order: ${JSON.stringify(line.slice(0, 80))}`,
        );
        return;
      }
      const list = out.get(inst) ?? [];
      list.push({ start, end });
      out.set(inst, list);
    });
  const labels = [...index.keys()];
  for (const [inst, list] of out) {
    list.sort((x, y) => x.start - y.start);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.start <= list[i - 1]!.end) {
        badSpans.add(inst);
        add(
          'instruments_format',
          'error',
          inst,
          null,
          [labels[list[i]!.start]!],
          `spans of ${inst} overlap (${labels[list[i - 1]!.start]}..${labels[list[i - 1]!.end]} ` +
            `and ${labels[list[i]!.start]}..${labels[list[i]!.end]})`,
        );
      }
    }
  }
  return out;
}

/** Qlib's value rules and ours over one instrument's bins. */
function checkValues(
  inst: string,
  spans: readonly Span[],
  series: ReadonlyMap<string, { start: number; values: Float32Array }>,
  present: ReadonlySet<string>,
  calendar: readonly string[],
  t: { priceStep: number; volumeStep: number; missingDataNum: number },
  traded: readonly string[] | undefined,
  index: ReadonlyMap<string, number>,
  add: Add,
): void {
  const inSpan = (i: number) => spans.some((s) => i >= s.start && i <= s.end);
  const at = (field: string, i: number): number => {
    const s = series.get(field);
    if (!s) return Number.NaN;
    const k = i - s.start;
    return k >= 0 && k < s.values.length ? s.values[k]! : Number.NaN;
  };
  const missingRequired = REQUIRED.filter((f) => !present.has(f));
  if (missingRequired.length) add(
    'required_columns',
    'warning',
    inst,
    missingRequired.join(','),
    [],
    `no bin for ${missingRequired.join(', ')}`,
  );
  if (!/000300|000903|000905/.test(inst)) {
    const factor = series.get('factor');
    if (!present.has('factor')) add(
      'missing_factor',
      'warning',
      inst,
      'factor',
      [],
      'no factor bin (Qlib uses $factor to get raw prices and trade units)',
    );
    else if (factor && factor.values.every((v) => Number.isNaN(v))) add(
      'missing_factor',
      'warning',
      inst,
      'factor',
      [],
      'the factor bin is all NaN',
    );
  }
  // One finding per set of fields missing on the same days (a suspended day is NaN in all of them).
  const byDays = new Map<string, { fields: string[]; dates: string[] }>();
  for (const field of QLIB_FIELDS) {
    if (!series.has(field)) continue;
    const nan: string[] = [];
    for (const s of spans) for (let i = s.start; i <= s.end; i++) if (Number.isNaN(at(field, i))) nan.push(calendar[i]!);
    if (nan.length <= t.missingDataNum) continue;
    const key = nan.join(',');
    const group = byDays.get(key) ?? { fields: [], dates: nan };
    group.fields.push(field);
    byDays.set(key, group);
  }
  for (const g of byDays.values()) add(
    'missing_data',
    'warning',
    inst,
    g.fields.join(','),
    g.dates,
    `${g.dates.length} NaN values inside the spans`,
    g.dates.length,
  );
  for (const field of [...PRICE_FIELDS, 'volume']) {
    if (!series.has(field)) continue;
    const limit = field === 'volume' ? t.volumeStep : t.priceStep;
    const steps: string[] = [];
    let max = 0;
    for (const s of spans) {
      for (let i = s.start + 1; i <= s.end; i++) {
        // pandas' pct_change(fill_method=None): NaN unless both days have values; x/0 is inf.
        const change = Math.abs(at(field, i) / at(field, i - 1) - 1);
        if (change > limit) {
          steps.push(calendar[i]!);
          if (change > max) max = change;
        }
      }
    }
    if (steps.length) add(
      'large_step',
      'warning',
      inst,
      field,
      steps,
      `${steps.length} day-to-day changes above ${field === 'volume' ? `${limit}x` : `${limit * 100}%`} (largest ${max.toFixed(3)})`,
      max,
    );
  }
  for (const [field, s] of series) {
    const outside: string[] = [];
    for (let k = 0; k < s.values.length; k++) {
      if (!Number.isNaN(s.values[k]!) && !inSpan(s.start + k)) outside.push(calendar[s.start + k] ?? `index ${s.start + k}`);
    }
    if (outside.length) add(
      'value_outside_span',
      'warning',
      inst,
      field,
      outside,
      `${outside.length} values on days between the instrument's spans`,
    );
  }
  if (traded) {
    for (const field of REQUIRED) {
      if (!series.has(field)) continue;
      const bad: string[] = [];
      for (const d of traded) {
        const i = index.get(d);
        if (i === undefined || !inSpan(i)) continue;
        if (Number.isNaN(at(field, i))) bad.push(d);
      }
      if (bad.length) add(
        'nan_on_traded_day',
        'error',
        inst,
        field,
        bad.sort(),
        `NaN on ${bad.length} days the instrument traded`,
        bad.length,
      );
    }
  }
}

/** all.txt against the spans silver says each instrument should have. */
function compareSpans(
  spans: ReadonlyMap<string, Span[]>,
  expected: ReadonlyMap<string, ReadonlyArray<{ start: string; end: string }>>,
  calendar: readonly string[],
  add: Add,
): void {
  const fmt = (list: ReadonlyArray<{ start: string; end: string }>) => list.map((s) => `${s.start}..${s.end}`).join(', ');
  for (const [inst, want] of expected) {
    const have = (spans.get(inst) ?? []).map((s) => ({ start: calendar[s.start]!, end: calendar[s.end]! }));
    if (!have.length) {
      add('expected_spans', 'error', inst, null, want.flatMap((s) => [s.start, s.end]), `missing from all.txt; expected ${fmt(want)}`);
      continue;
    }
    const sorted = [...want].sort((a, b) => (a.start < b.start ? -1 : 1));
    if (fmt(have) !== fmt(sorted)) {
      add(
        'expected_spans',
        'error',
        inst,
        null,
        [...new Set([...have, ...sorted].flatMap((s) => [s.start, s.end]))].sort(),
        `all.txt has ${fmt(have)}; expected ${fmt(sorted)}`,
      );
    }
  }
  for (const inst of spans.keys()) {
    if (!expected.has(inst)) add('expected_spans', 'error', inst, null, [], 'in all.txt but not among the expected instruments');
  }
}
