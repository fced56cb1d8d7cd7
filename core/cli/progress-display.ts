import cliProgress from 'cli-progress';
import type { JobProgress } from '../progress/job-progress.ts';

/** Live progress of a multi-item CLI run: one bar per running item plus an overall bar. */
export interface ProgressDisplay {
  /** Sets the number of items the overall bar counts to. */
  setTotal(total: number): void;
  start(id: string, label: string): void;
  update(id: string, progress: JobProgress): void;
  /** Ends an item; `line` is printed (above the bars on a terminal). */
  finish(id: string, line: string): void;
  /** Removes the bars; call before printing the summary. */
  stop(): void;
}

const LABEL = 36;

/** Formats a byte count as "12.3 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Bar position and text for a progress report; phases without counters keep the bar where it is. */
function detailOf(p: JobProgress): { value?: number; total?: number; detail: string } {
  if (p.bytesTotal) return { value: p.bytesDone ?? 0, total: p.bytesTotal, detail: `${p.phase} ${formatBytes(p.bytesDone ?? 0)}/${formatBytes(p.bytesTotal)}` };
  if (p.rowsTotal) return { value: p.rowsDone ?? 0, total: p.rowsTotal, detail: `${p.phase} ${p.rowsDone ?? 0}/${p.rowsTotal} rows` };
  return { detail: p.message ? `${p.phase}: ${p.message}` : p.phase };
}

/**
 * A progress display on `stream`. With `interactive` (a TTY and not --json) it draws bars on
 * stderr; otherwise it stays silent except for finished-item lines, which go to `printLine`
 * (stdout in human mode, nowhere with --json), so piped output stays one line per item.
 */
export function createProgressDisplay(opts: {
  interactive: boolean;
  title: string;
  printLine: (line: string) => void;
  stream?: NodeJS.WriteStream;
}): ProgressDisplay {
  if (!opts.interactive) {
    return { setTotal: () => undefined, start: () => undefined, update: () => undefined, finish: (_id, line) => opts.printLine(line), stop: () => undefined };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: opts.stream ?? process.stderr,
      format: '{label} |{bar}| {percentage}% {detail}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      autopadding: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(1, 0, { label: opts.title.padEnd(LABEL).slice(0, LABEL), detail: '' });
  const bars = new Map<string, cliProgress.SingleBar>();
  let done = 0;
  let total = 0;
  return {
    setTotal(n) {
      total = n;
      overall.setTotal(Math.max(1, n));
      overall.update(done, { detail: `${done}/${n} done` });
    },
    start(id, label) {
      bars.set(id, multi.create(1, 0, { label: label.padEnd(LABEL).slice(0, LABEL), detail: 'starting' }));
    },
    update(id, progress) {
      const bar = bars.get(id);
      if (!bar) return;
      const { value, total: t, detail } = detailOf(progress);
      if (value === undefined || t === undefined) return bar.update({ detail });
      bar.setTotal(Math.max(1, t));
      bar.update(value, { detail });
    },
    finish(id, line) {
      const bar = bars.get(id);
      if (bar) {
        multi.remove(bar);
        bars.delete(id);
      }
      done++;
      overall.update(done, { detail: `${done}/${total} done` });
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
