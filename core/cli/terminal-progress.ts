import type { JobKind } from '../runtime/job-types.ts';
import type { MeteredProgress } from '../runtime/progress-meter.ts';
import { progressFraction } from '../runtime/progress-meter.ts';
import { describeJobOutcome, formatBytes, formatDuration, formatRate } from './run-format.ts';
import { describeCrash } from '../runtime/supervisor.ts';
import type { RunProgress, SupervisorEvent } from '../runtime/supervisor-events.ts';

interface LiveJob {
  kind: JobKind;
  dataset: string;
  date: string;
  attempt: number;
  progress?: MeteredProgress;
  paused: boolean;
}

/** A supervisor listener that draws progress on a terminal; call stop() before printing the summary. */
export interface TerminalProgress {
  listener: (e: SupervisorEvent) => void;
  stop(): void;
}

/**
 * Progress for a terminal. On a TTY: a block redrawn in place, one line per running job (phase,
 * percent, rate, ETA) and an overall line, with finished jobs scrolling above it. Elsewhere (a
 * pipe, a cron log): one plain line per finished job, crash and memory hold, nothing redrawn.
 */
export function createTerminalProgress(out: NodeJS.WriteStream, opts: { tty?: boolean; intervalMs?: number } = {}): TerminalProgress {
  const tty = opts.tty ?? Boolean(out.isTTY);
  const live = new Map<string, LiveJob>();
  // What each job is, learnt from job.queued, so a live line can name it before any progress.
  const known = new Map<string, { kind: JobKind; dataset: string; date: string }>();
  const pending: string[] = [];
  let overall: RunProgress | null = null;
  let drawn = 0;
  let lastBlock = '';
  let memoryNote = '';

  const width = () => Math.max(40, (out.columns || 100) - 1);
  const clip = (s: string) => (s.length > width() ? `${s.slice(0, width() - 1)}…` : s);

  function jobLine(j: LiveJob): string {
    const p = j.progress;
    const f = progressFraction(p);
    const parts = [
      `${j.kind === 'download' ? '↓' : '⚙'} ${j.kind.padEnd(8)} ${j.dataset.padEnd(14)} ${j.date}`,
      (j.paused ? 'paused' : (p?.phase ?? 'starting')).padEnd(11),
      f !== undefined ? `${String(Math.floor(f * 100)).padStart(3)}%` : '    ',
      p ? formatRate(p) : '',
      p?.etaSeconds !== undefined ? `ETA ${formatDuration(p.etaSeconds * 1000)}` : '',
      j.attempt > 1 ? `(attempt ${j.attempt})` : '',
    ];
    return clip(parts.filter(Boolean).join('  '));
  }

  function overallLine(): string {
    if (!overall) return '';
    const o = overall;
    return clip(
      [
        `overall ${o.jobsDone}/${o.jobsTotal} jobs`,
        `${Math.floor(o.fraction * 100)}%`,
        `${formatBytes(o.bytesDownloaded)} downloaded`,
        `elapsed ${formatDuration(o.elapsedMs)}`,
        o.etaSeconds !== undefined ? `ETA ${formatDuration(o.etaSeconds * 1000)}` : '',
        memoryNote,
      ]
        .filter(Boolean)
        .join(' · '),
    );
  }

  function redraw(): void {
    if (!tty) {
      for (const l of pending.splice(0)) out.write(`${l}\n`);
      return;
    }
    const block = [...live.values()].map(jobLine);
    const o = overallLine();
    if (o) block.push(o);
    const text = block.map((l) => `${l}\n`).join('');
    // Rewriting an unchanged block only makes the terminal flicker.
    if (pending.length === 0 && text === lastBlock) return;
    let s = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
    for (const l of pending.splice(0)) s += `${l}\n`;
    s += text;
    drawn = block.length;
    lastBlock = text;
    out.write(s);
  }

  const timer = setInterval(redraw, opts.intervalMs ?? 200);
  timer.unref();

  return {
    listener(e) {
      switch (e.type) {
        case 'job.started': {
          const k = known.get(e.jobId) ?? { kind: 'download' as const, dataset: e.jobId, date: '' };
          live.set(e.jobId, { ...k, attempt: e.attempt, paused: false });
          break;
        }
        case 'job.queued':
          live.delete(e.job.id);
          known.set(e.job.id, e.job);
          if (e.reason) pending.push(`  … ${e.job.id}: ${e.reason}`);
          break;
        case 'job.progress': {
          const j = live.get(e.jobId);
          if (j) Object.assign(j, { kind: e.kind, dataset: e.dataset, date: e.date, progress: e.progress });
          if (e.progress.warning && !tty) pending.push(`  ! ${e.jobId}: ${e.progress.warning}`);
          break;
        }
        case 'job.paused':
        case 'job.resumed': {
          const j = live.get(e.jobId);
          if (j) j.paused = e.type === 'job.paused';
          break;
        }
        case 'job.crashed':
          pending.push(`  ✗ ${e.jobId} ${describeCrash(e.crash)}${e.willRetry ? ', will retry' : ''}`);
          break;
        case 'job.finished':
          live.delete(e.job.id);
          pending.push(`${e.job.state === 'complete' || e.job.state === 'degraded' ? '✓' : e.job.state === 'skipped' ? '·' : '✗'} ${describeJobOutcome(e.job)}`);
          break;
        case 'run.progress':
          overall = e.progress;
          break;
        case 'run.waiting':
          memoryNote = `waiting: ${e.message}`;
          pending.push(`  … ${e.message}`);
          break;
        case 'run.notice':
          pending.push(`  ! ${e.message}`);
          break;
        case 'system.memory':
          if (e.sample.level === 'normal') memoryNote = '';
          else memoryNote = `memory ${e.sample.level} ${e.sample.usedPercent}%`;
          break;
        default:
          break;
      }
    },
    stop() {
      clearInterval(timer);
      live.clear();
      overall = null;
      redraw();
    },
  };
}
