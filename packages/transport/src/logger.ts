// Pluggable, levelled logging. The transport logs what happened (service, psn, attempt, status, sizes, timings)
// and never what was said: keys, tokens and plaintext bizContent stay out of every log line. Where a payload
// must be identified, `fingerprint` gives its size and a short hash instead.
import { createHmac, randomBytes } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Drops messages below `level`; the wrapped logger sees only what passes. */
export function filterLogger(logger: Logger, level: LogLevel): Logger {
  const enabled = (at: Exclude<LogLevel, 'silent'>) => RANK[at] >= RANK[level];
  const noop = () => {};
  return {
    debug: enabled('debug') ? logger.debug.bind(logger) : noop,
    info: enabled('info') ? logger.info.bind(logger) : noop,
    warn: enabled('warn') ? logger.warn.bind(logger) : noop,
    error: enabled('error') ? logger.error.bind(logger) : noop,
  };
}

/** Writes one line per message to the console, prefixed with `[codepay]`. The default, at level `warn`. */
export function consoleLogger(level: LogLevel = 'warn'): Logger {
  const line = (message: string, fields?: LogFields) =>
    fields ? `[codepay] ${message} ${JSON.stringify(fields)}` : `[codepay] ${message}`;
  return filterLogger(
    {
      debug: (m, f) => console.debug(line(m, f)),
      info: (m, f) => console.info(line(m, f)),
      warn: (m, f) => console.warn(line(m, f)),
      error: (m, f) => console.error(line(m, f)),
    },
    level,
  );
}

export const silentLogger: Logger = filterLogger(consoleLogger('silent'), 'silent');

// Keyed per process: a plain hash of guessable params (`{"currency":"USD"}`, an email) could be confirmed by
// guessing; an HMAC under a key that never leaves the process can only be matched by the process itself.
const FINGERPRINT_KEY = randomBytes(32);

/** Size and a short keyed hash of a text: enough to match log lines of one process, useless to read it. */
export function fingerprint(text: string): { bytes: number; sha256: string } {
  return {
    bytes: Buffer.byteLength(text, 'utf8'),
    sha256: createHmac('sha256', FINGERPRINT_KEY).update(text).digest('hex').slice(0, 16),
  };
}
