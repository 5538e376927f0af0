// Builds the kafkajs client from the shared KAFKA_* settings: brokers, SASL and TLS.

import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { ConfigOf, kafkaSchema } from '@vigil/config';
import { VigilError } from '@vigil/contract';
import { kafkaLogCreator } from './kafka-log';
import type { TransportLogger } from './transport-logger';

export type KafkaSettings = ConfigOf<typeof kafkaSchema>;

function saslOptions(settings: KafkaSettings): SASLOptions | undefined {
  const mechanism = settings.saslMechanism;
  if (mechanism === undefined) return undefined;
  const { saslUsername: username, saslPassword: password } = settings;
  if (username === undefined || password === undefined) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE), e.g. KAFKA_SASL_USERNAME=vigil`,
    );
  }
  return { mechanism, username, password };
}

function tlsOptions(settings: KafkaSettings): KafkaConfig['ssl'] {
  if (!settings.tls) {
    if (settings.tlsCaFile !== undefined) {
      throw new VigilError('VIGIL_CONFIG_INVALID', 'KAFKA_TLS_CA_FILE is set but KAFKA_TLS is off, so Vigil would connect without TLS; turn it on, e.g. KAFKA_TLS=on');
    }
    return undefined;
  }
  if (settings.tlsCaFile === undefined) return true;
  try {
    return { ca: [readFileSync(settings.tlsCaFile, 'utf8')] };
  } catch (error) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `KAFKA_TLS_CA_FILE names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), e.g. KAFKA_TLS_CA_FILE=/etc/vigil/kafka-ca.pem`,
      { cause: error },
    );
  }
}

/** `overrides` replace the defaults below, e.g. for a client that must fail fast and quietly. */
export function createKafkaClient(settings: KafkaSettings, logger: TransportLogger, overrides: Pick<KafkaConfig, 'retry' | 'logLevel' | 'requestTimeout'> = {}): Kafka {
  const brokers = settings.brokers ?? [];
  if (brokers.length === 0) {
    throw new VigilError('VIGIL_CONFIG_INVALID', 'KAFKA_BROKERS is required for the Kafka transport, e.g. KAFKA_BROKERS=127.0.0.1:9092');
  }
  return new Kafka({
    clientId: settings.clientId,
    brokers,
    ssl: tlsOptions(settings),
    sasl: saslOptions(settings),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    // Bounded: a producer must give up (and the collector answer 503) rather than hang on a dead cluster.
    retry: { initialRetryTime: 200, retries: 5 },
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
    ...overrides,
  });
}
