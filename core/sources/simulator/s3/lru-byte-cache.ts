/** A least-recently-used cache bounded by the total byte size of its values. */
export interface LruByteCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, bytes: number): void;
  /** Bytes currently held. */
  bytes(): number;
  clear(): void;
}

/** Creates an LRU cache that evicts the least recently used entries beyond `maxBytes`. */
export function createLruByteCache<V>(maxBytes: number): LruByteCache<V> {
  // A Map iterates in insertion order, so re-inserting on access makes the first key the oldest.
  const entries = new Map<string, { value: V; bytes: number }>();
  let total = 0;
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      entries.set(key, e);
      return e.value;
    },
    set(key, value, bytes) {
      const old = entries.get(key);
      if (old) {
        total -= old.bytes;
        entries.delete(key);
      }
      // A value larger than the whole budget is served but not kept.
      if (bytes > maxBytes) return;
      entries.set(key, { value, bytes });
      total += bytes;
      for (const [k, e] of entries) {
        if (total <= maxBytes) break;
        entries.delete(k);
        total -= e.bytes;
      }
    },
    bytes: () => total,
    clear() {
      entries.clear();
      total = 0;
    },
  };
}
