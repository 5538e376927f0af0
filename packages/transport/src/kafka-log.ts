// kafkajs logs through Vigil's logger. Fields that could carry credentials are dropped here as
// well as by the logger's own redaction: a SASL password must never reach a log line.

import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';
import type { LogFields, TransportLogger } from './transport-logger';

const SECRET_FIELD = /password|secret|token|sasl|authorization|credential/i;

function withoutSecrets(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !SECRET_FIELD.test(name)));
}

function methodFor(level: logLevel): keyof TransportLogger {
  if (level === logLevel.ERROR || level === logLevel.NOTHING) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

export function kafkaLogCreator(logger: TransportLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkajs, ...fields } = log;
      logger[methodFor(level)]({ kafkajs: namespace, ...withoutSecrets(fields) }, message);
    };
}
