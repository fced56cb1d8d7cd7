import { isTradingDay } from '../../calendar/index.ts';
import type { IsoDate } from '../../calendar/index.ts';
import { partitionDateOf, type RestFetchUnit } from '../../datasets/rest-fetch-units.ts';
import type { RestBronzeColumn, RestDatasetDeclaration } from '../../datasets/rest-dataset-types.ts';
import { REST_PARSERS, type ParsedRecord } from './rest-parsers.ts';
import { typeRow, typeValue, type RestRow } from './rest-row-typing.ts';

/** A page to parse, with where it came from (for reject rows). */
export interface RestPageInput {
  json: unknown;
  /** 1-based page number in the unit's landing folder. */
  page: number;
  /** Entity id it was asked for (ticker_events), else null. */
  id: string | null;
}

/** A record that did not make it into bronze, with its reason (bronze/_rejects/<dataset>/<date>.parquet). */
export interface RestReject {
  /** Partition it would have gone to; the unit's first partition when its own date is unreadable. */
  date: IsoDate;
  reason: string;
  page: number;
  /** 0-based position among the page's records. */
  record_index: number;
  /** The record as received, JSON text. */
  record: string;
}

/** Parsed, validated and deduplicated rows of one unit, by partition. */
export interface RestRows {
  /** Every partition of the unit, each with its rows (possibly none). */
  byPartition: Map<IsoDate, RestRow[]>;
  rejects: RestReject[];
  /** Records parsed (before dedupe). */
  records: number;
  /** Exact duplicates dropped (the same key and the same values, e.g. a record repeated across pages). */
  duplicates: number;
  /** Records skipped because they belong to another unit's window (ticker_events history). */
  skipped: number;
}

/** The dedupe key of a typed row: its id when it has one, else its natural key. */
export function dedupeKeyOf(decl: RestDatasetDeclaration, row: RestRow): string {
  const id = decl.dedupe.idColumn ? row[decl.dedupe.idColumn] : null;
  if (typeof id === 'string' && id !== '') return `id:${id}`;
  return `key:${JSON.stringify(decl.dedupe.naturalKey.map((c) => row[c] ?? null))}`;
}

/** Describes a dedupe key for a reject reason: "id E1f3..." or "(ticker, execution_date) = (AAPL, 2020-08-31)". */
function describeKey(decl: RestDatasetDeclaration, row: RestRow): string {
  const id = decl.dedupe.idColumn ? row[decl.dedupe.idColumn] : null;
  if (typeof id === 'string' && id !== '') return `id ${id}`;
  return `(${decl.dedupe.naturalKey.join(', ')}) = (${decl.dedupe.naturalKey.map((c) => String(row[c] ?? 'null')).join(', ')})`;
}

/** JSON text of a source record for the rejects file (bounded, so one huge record cannot bloat it). */
function recordText(source: unknown): string {
  const text = JSON.stringify(source) ?? 'undefined';
  return text.length > 20_000 ? `${text.slice(0, 20_000)}...` : text;
}

/**
 * Turns a unit's pages into bronze rows: parse (per dataset), place each record in its partition
 * (its date, or the next trading day), type and validate it by the declaration, and dedupe on the
 * id or natural key across every page. Of two records with one key and different values the first
 * is kept and the other rejected, since silently picking one would hide a conflict upstream.
 */
export function rowsFromPages(decl: RestDatasetDeclaration, unit: RestFetchUnit, pages: readonly RestPageInput[]): RestRows {
  const parser = REST_PARSERS[decl.id];
  const keyColumn = decl.columns.find((c) => c.name === decl.partitionKey.column) as RestBronzeColumn;
  const inUnit = new Set(unit.partitions);
  const byPartition = new Map<IsoDate, RestRow[]>(unit.partitions.map((d) => [d, []]));
  const seen = new Map<string, string>();
  const rejects: RestReject[] = [];
  let records = 0;
  let duplicates = 0;
  let skipped = 0;

  for (const page of pages) {
    const parsed: ParsedRecord[] = parser(page.json, { unitKey: unit.key, id: page.id });
    parsed.forEach((rec, index) => {
      records += 1;
      const reject = (reason: string, date: IsoDate = unit.key) =>
        rejects.push({ date, reason, page: page.page, record_index: index, record: recordText(rec.source) });
      if ('reason' in rec) return reject(rec.reason);
      const key = typeValue({ ...keyColumn, required: true }, rec.raw[keyColumn.name]);
      if ('reason' in key) return reject(key.reason);
      const own = key.value as IsoDate;
      if (keyColumn.name === 'date' && !isTradingDay(own)) return reject(`date ${own} is not a trading day`);
      const partition = partitionDateOf(own);
      if (!inUnit.has(partition)) {
        if (decl.outsideWindow === 'skip') {
          skipped += 1;
          return;
        }
        return reject(`${keyColumn.name} ${own} is outside the requested window ${unit.from}..${unit.to}`);
      }
      const typed = typeRow(decl, { ...rec.raw, date: partition });
      if ('reason' in typed) return reject(typed.reason, partition);
      const dedupe = dedupeKeyOf(decl, typed.row);
      const canonical = JSON.stringify(typed.row);
      const earlier = seen.get(dedupe);
      if (earlier === undefined) {
        seen.set(dedupe, canonical);
        byPartition.get(partition)!.push(typed.row);
      } else if (earlier === canonical) duplicates += 1;
      else reject(`duplicate ${describeKey(decl, typed.row)} with different values (the first is kept)`, partition);
    });
  }
  return { byPartition, rejects, records, duplicates, skipped };
}
