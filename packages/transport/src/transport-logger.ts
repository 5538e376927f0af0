// The logging surface the transport needs. A pino Logger satisfies it; tests pass a recorder.

export type LogFields = Record<string, unknown>;

export interface TransportLogger {
  error(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  debug(fields: LogFields, message: string): void;
}
