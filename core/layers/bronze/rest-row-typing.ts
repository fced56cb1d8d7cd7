import { isIsoDate } from '../../calendar/index.ts';
import type { RestBronzeColumn, RestDatasetDeclaration, RestValidationRule } from '../../datasets/rest-dataset-types.ts';

// From JSON values to typed bronze values, by the declaration alone: every column's type, presence
// and date validity, then the declared rules. A row gets the first reason it fails, so a reject
// says exactly which field was wrong and how.

/** A typed bronze value: text, number, boolean, 'YYYY-MM-DD', ISO instant, a text list, or null. */
export type RestValue = string | number | boolean | readonly string[] | null;

/** A typed row, keyed by column name. */
export type RestRow = Record<string, RestValue>;

// An RFC 3339 instant with a zone (Z or an offset), as the API writes published_utc and delisted_utc.
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const INT32 = 2 ** 31;

/** What a JSON value is, for reject reasons. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Types one value for a column; returns the typed value or a reason. */
export function typeValue(column: RestBronzeColumn, v: unknown): { value: RestValue } | { reason: string } {
  const name = column.name;
  if (v === undefined || v === null) return column.required ? { reason: `missing ${name}` } : { value: null };
  switch (column.duckdbType) {
    case 'VARCHAR':
      return typeof v === 'string' ? { value: v } : { reason: `${name}: expected text, got ${kindOf(v)}` };
    case 'DOUBLE':
      return typeof v === 'number' ? { value: v } : { reason: `${name}: expected a number, got ${kindOf(v)}` };
    case 'BIGINT':
    case 'INTEGER': {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return { reason: `${name}: expected a whole number, got ${kindOf(v)}` };
      if (column.duckdbType === 'INTEGER' && (v >= INT32 || v < -INT32)) return { reason: `${name}: ${v} is out of range` };
      return { value: v };
    }
    case 'BOOLEAN':
      return typeof v === 'boolean' ? { value: v } : { reason: `${name}: expected true or false, got ${kindOf(v)}` };
    case 'DATE':
      return typeof v === 'string' && isIsoDate(v) ? { value: v } : { reason: `${name}: expected a date as YYYY-MM-DD, got ${kindOf(v)}` };
    case 'TIMESTAMP WITH TIME ZONE': {
      const ms = typeof v === 'string' && INSTANT_RE.test(v) ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(ms)) return { reason: `${name}: expected an instant (RFC 3339), got ${kindOf(v)}` };
      return { value: new Date(ms).toISOString() };
    }
    case 'VARCHAR[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? { value: v as string[] }
        : { reason: `${name}: expected a list of text, got ${kindOf(v)}` };
  }
}

/** The reason a typed row fails one rule, or null. Null values pass (presence is the column's business). */
function failedRule(rule: RestValidationRule, row: RestRow): string | null {
  const v = row[rule.column];
  if (v === null || v === undefined) return null;
  switch (rule.check) {
    case 'non-empty':
      if (typeof v === 'string') return v.trim() === '' ? `${rule.column} is empty` : null;
      if (Array.isArray(v)) return v.some((x) => typeof x !== 'string' || x.trim() === '') ? `${rule.column} holds an empty entry` : null;
      return null;
    case 'finite':
      return typeof v === 'number' && !Number.isFinite(v) ? `${rule.column} is not finite (${v})` : null;
    case 'positive':
      return typeof v === 'number' && !(v > 0) ? `${rule.column} is not positive (${v})` : null;
    case 'non-negative':
      return typeof v === 'number' && v < 0 ? `${rule.column} is negative (${v})` : null;
    case 'not-above': {
      const other = row[rule.other];
      if (typeof v !== 'number' || typeof other !== 'number' || v <= other) return null;
      return `${rule.column} (${v}) is above ${rule.other} (${other})`;
    }
  }
}

/** Types and validates a row of JSON values; the first failure is the reason. */
export function typeRow(decl: RestDatasetDeclaration, raw: Readonly<Record<string, unknown>>): { row: RestRow } | { reason: string } {
  const row: RestRow = {};
  for (const column of decl.columns) {
    const typed = typeValue(column, raw[column.name]);
    if ('reason' in typed) return typed;
    row[column.name] = typed.value;
  }
  for (const rule of decl.validation) {
    const reason = failedRule(rule, row);
    if (reason) return { reason };
  }
  return { row };
}
