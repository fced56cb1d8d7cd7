import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACTED, scrubText } from '../config/redact.ts';

export type { Logger } from 'pino';

/** Options for the process logger. */
export interface LoggerOptions {
  level: string;
  /**
   * Folders for structured JSON-lines logs, in order of preference (`<dataRoot>/logs`, then the
   * user's own log folder): the first one that can be written is used; none = no file log.
   */
  logsDir?: string | readonly string[] | undefined;
  /** Secret values to scrub from every message. */
  secrets?: readonly string[];
  /** Human-readable lines on stderr (stdout stays clean for --json). */
  console?: boolean;
  /** Name of the process writing (cli, worker, web-host), recorded in every line. */
  name?: string;
}

const REDACT_PATHS = [
  'apiKey', '*.apiKey', 'secretAccessKey', '*.secretAccessKey', '*.*.secretAccessKey',
  'accessKeyId', '*.accessKeyId', '*.*.accessKeyId', 'authorization', '*.authorization', 'headers.authorization',
];

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Formats pino's JSON lines as short human lines: "12:01:02 warn  message key=value". */
function consoleStream(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        const { level, time, msg, pid: _pid, hostname: _h, name: _n, ...rest } = JSON.parse(chunk.toString()) as Record<string, unknown>;
        const when = new Date(Number(time)).toISOString().slice(11, 19);
        const extras = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        process.stderr.write(`${when} ${(LEVEL_NAMES[Number(level)] ?? 'info').padEnd(5)} ${String(msg ?? '')}${extras ? ` ${extras}` : ''}\n`);
      } catch {
        process.stderr.write(chunk);
      }
      done();
    },
  });
}

/** Today's structured log file name, one file per UTC day. */
export function logFileFor(logsDir: string, now = new Date()): string {
  return path.join(logsDir, `quantmini-${now.toISOString().slice(0, 10)}.log`);
}

/**
 * Opens today's log file in the first folder that can be written, or returns null. A log that
 * cannot be written must never stop a command (a lake on a read-only volume can still be read),
 * and a write that fails later (a full disk) is dropped, not thrown into the process.
 */
function openLogFile(dirs: readonly string[]): { file: string; stream: pino.DestinationStream } | null {
  for (const dir of dirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const file = logFileFor(dir);
      fs.closeSync(fs.openSync(file, 'a'));
      const stream = pino.destination({ dest: file, sync: true, mkdir: true });
      stream.on('error', () => undefined);
      return { file, stream };
    } catch {
      // Not writable here (read-only volume, permissions): try the next folder.
    }
  }
  return null;
}

/** Creates the process logger: JSON lines under logs/, optional readable stderr, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const streams: pino.StreamEntry[] = [];
  const dirs = options.logsDir === undefined ? [] : typeof options.logsDir === 'string' ? [options.logsDir] : options.logsDir;
  const logFile = openLogFile(dirs);
  if (logFile) streams.push({ level: 'trace', stream: logFile.stream });
  if (options.console) streams.push({ level: 'trace', stream: consoleStream() });
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino(
    {
      level: options.level,
      name: options.name ?? 'quantmini',
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        // Secrets can hide inside free text (an error from a URL, say), which path redaction cannot see.
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? scrubText(a, secrets) : a));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      formatters: {
        log(obj) {
          return JSON.parse(scrubText(JSON.stringify(obj), secrets)) as Record<string, unknown>;
        },
      },
    },
    pino.multistream(streams),
  );
}
