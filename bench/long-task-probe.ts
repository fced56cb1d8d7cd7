/**
 * A script for `page.evaluate` that records, from when it runs, every long main-thread task
 * (PerformanceObserver 'longtask') in `window.__tasks` and every 10 ms timer that fired late in
 * `window.__delays`, each as [start, ms]. It ends in `undefined` so evaluate returns nothing.
 */
export const LONG_TASK_PROBE = `
  window.__tasks = [];
  window.__delays = [];
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) window.__tasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: false });
  let last = performance.now();
  setTimeout(function tick() {
    const now = performance.now();
    if (now - last - 10 > 4) window.__delays.push([last, now - last - 10]);
    last = now;
    setTimeout(tick, 10);
  }, 10);
  undefined;
`;
