import { latestPublishedTradingDay } from '../../../calendar/index.ts';
import { FLAT_FILE_DATASETS, flatFileKey, type FlatFileDataset, type FlatFileDatasetId } from '../../../datasets/index.ts';
import type { FaultState, FileFaultEffects } from '../faults/fault-state.ts';
import { applyFileFaults } from '../faults/file-variants.ts';
import type { IsoDate, RenderedFlatFile, SimulatedMarket } from '../simulator-types.ts';
import { createLruByteCache } from './lru-byte-cache.ts';

/** Renders one dataset's flat file for a date, or null when the market has no such file. */
export type FlatFileRenderer = (
  market: SimulatedMarket,
  dataset: FlatFileDatasetId,
  date: IsoDate,
) => RenderedFlatFile | null | Promise<RenderedFlatFile | null>;

/** A key the bucket can hold: a dataset's file for one trading day of the market's range. */
export interface CatalogEntry {
  key: string;
  dataset: FlatFileDataset;
  date: IsoDate;
}

/** What a listing and HEAD report about an object. */
export interface ObjectMeta {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

/** An object with its bytes. */
export interface StoredObject extends ObjectMeta {
  body: Buffer;
}

/** The bucket's contents: keys computed from the calendar, bytes rendered on demand and cached. */
export interface FlatFileStore {
  /** Every key published as of now, ascending (computed from the calendar, nothing rendered). */
  visibleKeys(): readonly string[];
  /** The catalogue entry of a key, published or not; undefined for keys the bucket never holds. */
  entry(key: string): CatalogEntry | undefined;
  /** Whether an entry is published as of now and not withheld by a fault. */
  isVisible(entry: CatalogEntry): boolean;
  /** Size, ETag and Last-Modified if already known (no rendering). */
  knownMeta(entry: CatalogEntry): ObjectMeta | null | undefined;
  /** Size, ETag and Last-Modified (renders the file the first time). */
  meta(entry: CatalogEntry): Promise<ObjectMeta | null>;
  /** The object's bytes as served now, faults applied. */
  object(entry: CatalogEntry): Promise<StoredObject | null>;
}

export interface FlatFileStoreOptions {
  market: SimulatedMarket;
  render: FlatFileRenderer;
  faults: FaultState;
  now: () => Date;
  /** Budget for cached bodies (default 256 MiB). */
  cacheBytes?: number;
}

/** Builds the store for a market: keys come from the calendar; each file is rendered when first needed. */
export function createFlatFileStore(options: FlatFileStoreOptions): FlatFileStore {
  const { market, render, faults, now } = options;
  const days = market.tradingDays();
  const catalog: CatalogEntry[] = [];
  for (const dataset of FLAT_FILE_DATASETS) {
    for (const date of days) if (date >= dataset.firstDate) catalog.push({ key: flatFileKey(dataset, date), dataset, date });
  }
  catalog.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byKey = new Map(catalog.map((e) => [e.key, e]));
  const bodies = createLruByteCache<StoredObject>(options.cacheBytes ?? 256 * 1024 * 1024);
  // Metadata of every variant ever rendered: a few dozen bytes each, so listings stay cheap after the first.
  const metas = new Map<string, ObjectMeta | null>();
  let visible: { stamp: string; keys: string[] } = { stamp: '', keys: [] };

  const cutoff = (): IsoDate => latestPublishedTradingDay(now());
  const visibleAt = (entry: CatalogEntry, last: IsoDate) =>
    entry.date <= last && !faults.fileEffects(entry.dataset.id, entry.date).unpublished;

  const variantOf = (entry: CatalogEntry): { id: string; fx: FileFaultEffects } => {
    const fx = faults.fileEffects(entry.dataset.id, entry.date);
    return { id: `${entry.key}|${fx.baddata ? 'b' : ''}${fx.truncated ? 't' : ''}${fx.replacedAt ? `r${fx.replacedAt.getTime()}` : ''}`, fx };
  };

  // Concurrent requests for the same file share one rendering.
  const inflight = new Map<string, Promise<StoredObject | null>>();

  const renderVariant = async (entry: CatalogEntry, id: string, fx: FileFaultEffects): Promise<StoredObject | null> => {
    const good = await render(market, entry.dataset.id, entry.date);
    if (!good) {
      metas.set(id, null);
      return null;
    }
    const file = applyFileFaults(good, fx);
    const stored: StoredObject = { key: entry.key, body: file.body, size: file.body.length, etag: file.etag, lastModified: file.lastModified };
    bodies.set(id, stored, stored.size);
    metas.set(id, { key: stored.key, size: stored.size, etag: stored.etag, lastModified: stored.lastModified });
    return stored;
  };

  const object = (entry: CatalogEntry): Promise<StoredObject | null> => {
    const { id, fx } = variantOf(entry);
    const cached = bodies.get(id);
    if (cached) return Promise.resolve(cached);
    let pending = inflight.get(id);
    if (!pending) {
      pending = renderVariant(entry, id, fx).finally(() => inflight.delete(id));
      inflight.set(id, pending);
    }
    return pending;
  };

  return {
    visibleKeys() {
      const last = cutoff();
      const stamp = `${last}|${faults.version()}`;
      if (visible.stamp !== stamp) visible = { stamp, keys: catalog.filter((e) => visibleAt(e, last)).map((e) => e.key) };
      return visible.keys;
    },
    entry: (key) => byKey.get(key),
    isVisible: (entry) => visibleAt(entry, cutoff()),
    knownMeta: (entry) => metas.get(variantOf(entry).id),
    async meta(entry) {
      const known = metas.get(variantOf(entry).id);
      if (known !== undefined) return known;
      const stored = await object(entry);
      return stored && { key: stored.key, size: stored.size, etag: stored.etag, lastModified: stored.lastModified };
    },
    object,
  };
}
