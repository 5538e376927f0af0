import { checkConfig, kafkaSchema, loadConfig } from '@vigil/config';
import { describe, expect, it } from 'vitest';
import { createKafkaClient } from './kafka-client';
import type { TransportLogger } from './transport-logger';

const quiet: TransportLogger = { debug() {}, info() {}, warn() {}, error() {} };
const client = (env: Record<string, string>) => () => createKafkaClient(loadConfig(kafkaSchema, { KAFKA_BROKERS: '127.0.0.1:9092', ...env }), quiet);

describe('createKafkaClient', () => {
  it('refuses SASL credentials without a mechanism rather than connecting without SASL', () => {
    expect(client({ KAFKA_SASL_USERNAME: 'vigil', KAFKA_SASL_PASSWORD: 'hunter2-secret' })).toThrow(
      /^KAFKA_SASL_USERNAME is set, so KAFKA_SASL_MECHANISM must be too, e.g. KAFKA_SASL_MECHANISM=scram-sha-512$/,
    );
    expect(checkConfig(kafkaSchema, { KAFKA_SASL_PASSWORD: 'hunter2-secret' }).problems.map((p) => p.message)).toEqual([
      'KAFKA_SASL_PASSWORD is set, so KAFKA_SASL_MECHANISM must be too, e.g. KAFKA_SASL_MECHANISM=scram-sha-512',
    ]);
  });

  it('refuses a CA file without TLS rather than connecting in clear', () => {
    expect(client({ KAFKA_TLS_CA_FILE: '/etc/vigil/kafka-ca.pem' })).toThrow('KAFKA_TLS_CA_FILE is set but KAFKA_TLS is off, so Vigil would connect without TLS; turn it on, e.g. KAFKA_TLS=on');
  });

  it('builds a client for plain, SASL and TLS settings that go together', () => {
    expect(client({})).not.toThrow();
    expect(client({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'vigil', KAFKA_SASL_PASSWORD: 'hunter2-secret', KAFKA_TLS: 'on' })).not.toThrow();
  });
});
