import { badRequest } from './rest-errors.ts';

/** A filterable field: its query parameter, how to read it from a row, and its type. */
export interface FilterSpec<T> {
  param: string;
  get: (row: T) => string | number | boolean | null | undefined | readonly string[];
  type: 'string' | 'number' | 'boolean';
  /** Range suffixes (.gt .gte .lt .lte) accepted. */
  ranges?: boolean;
  /** `.any_of` (comma-separated) accepted. */
  anyOf?: boolean;
}

type Scalar = string | number | boolean;

/** Parses a filter value as its field's type; a non-number for a number field is a 400. */
function parseValue(spec: FilterSpec<unknown>, param: string, raw: string): Scalar {
  if (spec.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw badRequest(`'${raw}' is not a valid number for ${param}`);
    return n;
  }
  if (spec.type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw badRequest(`'${raw}' is not a valid boolean for ${param}`);
    return raw === 'true';
  }
  return raw;
}

/** Compares two values of one type (strings compare as ISO dates and tickers do). */
function compare(a: Scalar, b: Scalar): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keeps the rows matching every filter present in the query; array fields match when any element does. */
export function applyFilters<T>(rows: readonly T[], query: URLSearchParams, specs: readonly FilterSpec<T>[]): T[] {
  const tests: Array<(row: T) => boolean> = [];
  for (const spec of specs) {
    const ops: Array<[string, (c: number) => boolean]> = [['', (c) => c === 0]];
    if (spec.ranges) ops.push(['.gt', (c) => c > 0], ['.gte', (c) => c >= 0], ['.lt', (c) => c < 0], ['.lte', (c) => c <= 0]);
    for (const [suffix, ok] of ops) {
      const param = spec.param + suffix;
      const raw = query.get(param);
      if (raw === null) continue;
      const want = parseValue(spec as FilterSpec<unknown>, param, raw);
      tests.push((row) => matches(spec.get(row), (v) => ok(compare(v, want))));
    }
    if (spec.anyOf) {
      const raw = query.get(`${spec.param}.any_of`);
      if (raw !== null) {
        const wanted = raw.split(',').map((s) => parseValue(spec as FilterSpec<unknown>, `${spec.param}.any_of`, s.trim()));
        tests.push((row) => matches(spec.get(row), (v) => wanted.some((w) => compare(v, w) === 0)));
      }
    }
  }
  return tests.length === 0 ? [...rows] : rows.filter((row) => tests.every((t) => t(row)));
}

/** Applies a predicate to a scalar, or to any element of an array field; null never matches. */
function matches(value: ReturnType<FilterSpec<unknown>['get']>, pred: (v: Scalar) => boolean): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some((v: string) => pred(v));
  return pred(value as Scalar);
}

/** Reads `limit` (1..max, default `def`); anything else is a 400 naming the maximum. */
export function parseLimit(query: URLSearchParams, def: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw badRequest(`'${raw}' is not a valid limit`);
  if (n > max) throw badRequest(`limit must be less than or equal to ${max}`);
  return n;
}

/** A sortable field: name and accessor. */
export type SortFields<T> = Record<string, (row: T) => string | number | null | undefined>;

/** Orders rows by one key then the tie-breakers, nulls last. */
function sortRows<T>(rows: T[], keys: Array<{ get: (row: T) => string | number | null | undefined; desc: boolean }>): T[] {
  return rows.sort((a, b) => {
    for (const { get, desc } of keys) {
      const va = get(a);
      const vb = get(b);
      if (va === vb) continue;
      if (va === null || va === undefined) return 1;
      if (vb === null || vb === undefined) return -1;
      const c = va < vb ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  });
}

/** v3-style sorting: `sort=<field>` and `order=asc|desc`; `tieBreak` fields keep pages stable. */
export function sortV3<T>(rows: T[], query: URLSearchParams, fields: SortFields<T>, def: { sort: string; order: 'asc' | 'desc' }, tieBreak: string[]): T[] {
  const sort = query.get('sort') ?? def.sort;
  const order = query.get('order') ?? def.order;
  const get = fields[sort];
  if (!get) throw badRequest(`sort must be one of: ${Object.keys(fields).join(', ')}`);
  if (order !== 'asc' && order !== 'desc') throw badRequest("order must be 'asc' or 'desc'");
  const keys = [{ get, desc: order === 'desc' }, ...tieBreak.filter((f) => f !== sort && fields[f]).map((f) => ({ get: fields[f]!, desc: false }))];
  return sortRows(rows, keys);
}

/** Newer-endpoint sorting: `sort=field.asc,other.desc` (direction optional, default asc). */
export function sortList<T>(rows: T[], query: URLSearchParams, fields: SortFields<T>, def: string, tieBreak: string[]): T[] {
  const spec = (query.get('sort') ?? def).split(',').map((s) => s.trim()).filter(Boolean);
  const keys = spec.map((item) => {
    const m = /^(.+?)(?:\.(asc|desc))?$/.exec(item);
    const get = m ? fields[m[1] as string] : undefined;
    if (!m || !get) throw badRequest(`invalid sort '${item}': fields are ${Object.keys(fields).join(', ')} with .asc or .desc`);
    return { get, desc: m[2] === 'desc' };
  });
  for (const f of tieBreak) if (fields[f] && !spec.some((s) => s.split('.')[0] === f)) keys.push({ get: fields[f]!, desc: false });
  return sortRows(rows, keys);
}
