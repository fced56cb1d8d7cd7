/**
 * Runs work just after the next frame is painted: the animation-frame callback runs right before
 * that paint, and a zero timer queued from it runs after it, as a task of its own. Used to mark a
 * paint, or to render more once what is on screen has been shown.
 */

/** Schedules `run` after the next paint; the returned function cancels it if it has not run yet. */
export function afterNextPaint(run: () => void): () => void {
  let timer = 0;
  const frame = requestAnimationFrame(() => {
    timer = window.setTimeout(run, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
