/**
 * The last few minutes of memory samples, kept outside React so the System page can draw a trend
 * from samples that arrived while it was not open.
 */
import { useSyncExternalStore } from 'react';
import type { MemorySampleView } from '../../core/contract/contract-views.ts';

const LIMIT = 150;
let samples: readonly MemorySampleView[] = [];
const listeners = new Set<() => void>();

/** Appends a sample (oldest dropped past the limit). */
export function recordMemorySample(sample: MemorySampleView): void {
  if (samples.length > 0 && samples[samples.length - 1]?.at === sample.at) return;
  samples = [...samples.slice(-(LIMIT - 1)), sample];
  for (const l of listeners) l();
}

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** Recent samples, oldest first. */
export function useMemoryHistory(): readonly MemorySampleView[] {
  return useSyncExternalStore(subscribe, () => samples);
}
