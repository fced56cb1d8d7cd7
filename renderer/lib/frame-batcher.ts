/**
 * Collects items pushed at any rate and hands them over at most once per animation frame, so a
 * burst of events (hundreds of progress reports a second) costs one render, not hundreds.
 */

export type Scheduler = (run: () => void) => void;

/** requestAnimationFrame when a document is visible, otherwise a short timer (rAF stalls in hidden tabs). */
export const frameScheduler: Scheduler = (run) => {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
    requestAnimationFrame(() => run());
  } else {
    setTimeout(run, 100);
  }
};

/** Returns `push`; `flush` receives everything pushed since the previous frame, in order. */
export function createFrameBatcher<T>(flush: (items: T[]) => void, schedule: Scheduler = frameScheduler): (item: T) => void {
  let buffer: T[] = [];
  let scheduled = false;
  return (item) => {
    buffer.push(item);
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      const items = buffer;
      buffer = [];
      flush(items);
    });
  };
}
