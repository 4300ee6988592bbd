// A logger that keeps every line, so tests can prove that no key, token or plaintext is ever logged.
import type { LogFields, Logger } from '../../src/logger.js';

export interface CapturedLine {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

export const capturedLines: CapturedLine[] = [];

export function capturingLogger(into: CapturedLine[] = capturedLines): Logger {
  const at = (level: string) => (message: string, fields?: LogFields) => {
    into.push({ level, message, fields });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const lineText = (line: CapturedLine) => `${line.message} ${JSON.stringify(line.fields ?? {})}`;
