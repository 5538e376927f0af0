// kafkajs logs through Vigil's logger. Fields that could carry credentials are dropped here as
// well as by the logger's own redaction: a SASL password must never reach a log line.

import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';
import type { LogFields, TransportLogger } from './transport-logger';

const SECRET_FIELD = /password|secret|token|sasl|authorization|credential/i;

function withoutSecrets(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !SECRET_FIELD.test(name)));
}

function methodFor(level: logLevel, namespace: string): keyof TransportLogger {
  // kafkajs's Connection logs every error response of a single request ("coordinator not
  // available", "not the leader") at ERROR although the layers above retry it, and its BrokerPool
  // every failed attempt to reach a seed broker (about two a second per process while the
  // cluster is down); their own failure is logged at ERROR by them. A warning is what one such
  // attempt is.
  if (level === logLevel.ERROR && (namespace === 'Connection' || namespace === 'BrokerPool')) return 'warn';
  if (level === logLevel.ERROR || level === logLevel.NOTHING) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

export function kafkaLogCreator(logger: TransportLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkajs, ...fields } = log;
      logger[methodFor(level, namespace)]({ kafkajs: namespace, ...withoutSecrets(fields) }, message);
    };
}
