import { describe, expect, it } from 'vitest';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log';
import type { LogFields } from './transport-logger';

function recordingLogger() {
  const lines: Array<{ level: string; fields: LogFields; message: string }> = [];
  const at = (level: string) => (fields: LogFields, message: string) => void lines.push({ level, fields, message });
  return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } };
}

/** What a logger made by kafkaLogCreator writes for one ERROR entry of kafkajs's `namespace`. */
function logError(namespace: string, log: { message: string; [field: string]: unknown }) {
  const { lines, logger } = recordingLogger();
  kafkaLogCreator(logger)(logLevel.INFO)({ namespace, level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'now', logger: 'kafkajs', ...log } });
  return lines;
}

describe('kafkaLogCreator', () => {
  it('never passes SASL credentials on to the logger', () => {
    const lines = logError('SASLAuthenticator', { message: 'SASL authentication failed', sasl: { password: 'hunter2' }, password: 'hunter2', broker: 'b:9092' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(lines[0]).toMatchObject({ level: 'error', message: 'SASL authentication failed', fields: { kafkajs: 'SASLAuthenticator', broker: 'b:9092' } });
  });

  it('logs one failed request of a retried operation as a warning', () => {
    const lines = logError('Connection', { message: 'Response Produce(key: 0, version: 7)', error: 'not the leader' });
    expect(lines[0]?.level).toBe('warn');
  });

  it('logs one failed attempt to reach a seed broker as a warning: a broker outage repeats it twice a second', () => {
    const lines = logError('BrokerPool', {
      message: 'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      retryCount: 1,
      retryTime: 400,
    });
    expect(lines[0]?.level).toBe('warn');
  });
});
