import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACTED, scrubText } from '../config/redact.ts';

export type { Logger } from 'pino';

/** Options for the process logger. */
export interface LoggerOptions {
  level: string;
  /** Folder for structured JSON-lines logs (`<dataRoot>/logs`); omitted = no file log. */
  logsDir?: string | undefined;
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

/** Creates the process logger: JSON lines under logs/, optional readable stderr, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const streams: pino.StreamEntry[] = [];
  if (options.logsDir) {
    fs.mkdirSync(options.logsDir, { recursive: true });
    streams.push({ level: 'trace', stream: pino.destination({ dest: logFileFor(options.logsDir), sync: true, mkdir: true }) });
  }
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
