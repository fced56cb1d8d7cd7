/**
 * The page's main-thread tasks from a Chromium trace, with their CPU time beside their wall time.
 * A long task's wall time (what PerformanceObserver 'longtask' reports) grows with the machine's
 * load, since the renderer waits for a core; its thread time (the trace's `tdur`) is the work the
 * task itself did, so it says whether a chart fits the budget on a quiet machine even when the
 * bench runs on a busy one. With BENCH_TRACE_DIR set, each trace is also written there (with the
 * timeline categories DevTools shows), to open in DevTools' Performance panel and see what a task did.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

let traced = 0;

/** The task with the longest wall time and the task with the most CPU time, in ms (0 when there were none). */
export interface MainThreadTasks {
  longestWallMs: number;
  /** CPU time of the task with the longest wall time. */
  longestWallCpuMs: number;
  mostCpuMs: number;
  tasks: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Runs `action` with Chromium tracing on and returns its result and the renderer main thread's tasks meanwhile. */
export async function traceMainThread<T>(browser: Browser, page: Page, action: () => Promise<T>): Promise<{ result: T; tasks: MainThreadTasks }> {
  const dumpDir = process.env.BENCH_TRACE_DIR;
  const categories = ['toplevel', '__metadata', ...(dumpDir ? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink'] : [])];
  await browser.startTracing(page, { categories });
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await browser.stopTracing();
    throw error;
  }
  const buffer = await browser.stopTracing();
  if (dumpDir) {
    fs.mkdirSync(dumpDir, { recursive: true });
    fs.writeFileSync(path.join(dumpDir, `trace-${process.pid}-${++traced}.json`), buffer);
  }
  return { result, tasks: mainThreadTasks(JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }) };
}

/** The renderer main thread's top-level tasks (ThreadControllerImpl::RunTask) of a parsed trace. */
export function mainThreadTasks(trace: { traceEvents: TraceEvent[] }): MainThreadTasks {
  const main = new Set(
    trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  if (main.size === 0) throw new Error('the trace holds no renderer main thread (CrRendererMain)');
  const out: MainThreadTasks = { longestWallMs: 0, longestWallCpuMs: 0, mostCpuMs: 0, tasks: 0 };
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !main.has(`${e.pid}:${e.tid}`)) continue;
    const wall = (e.dur ?? 0) / 1000;
    const cpu = (e.tdur ?? Number.NaN) / 1000;
    out.tasks++;
    if (wall > out.longestWallMs) {
      out.longestWallMs = wall;
      out.longestWallCpuMs = cpu;
    }
    if (cpu > out.mostCpuMs) out.mostCpuMs = cpu;
  }
  return out;
}
