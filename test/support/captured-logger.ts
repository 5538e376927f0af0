// A real Vigil logger (pino, with its redaction) whose output a test reads: the text as written
// and the records it holds.

import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@vigil/telemetry';

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's level number for warn. */
export const WARN = 40;

export interface CapturedLogger {
  logger: Logger;
  /** Every record written so far, in order; the same array as more are written. */
  records: LogRecord[];
  text(): string;
  /** The records at warn or above. */
  warnings(): LogRecord[];
}

export function capturedLogger(name = 'test', level = 'debug'): CapturedLogger {
  const records: LogRecord[] = [];
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const written = chunk.toString('utf8');
      text += written;
      for (const line of written.split('\n')) if (line !== '') records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: createLogger({ name, level, destination }), records, text: () => text, warnings: () => records.filter((r) => r.level >= WARN) };
}
