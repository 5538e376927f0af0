// Kafka connection settings shared by every service. Unset KAFKA_BROKERS means the embedded
// in-process transport (vigil start all).

import { boolean, hostPortProblem, integer, list, oneOf, optional, string } from '../field';

export const kafkaSchema = {
  brokers: optional(
    list({
      env: 'KAFKA_BROKERS',
      description: 'Kafka bootstrap brokers. Unset: the embedded all-in-one runs with an in-process transport.',
      example: '127.0.0.1:9092,broker2:9092',
      item: hostPortProblem,
    }),
  ),
  clientId: string({
    env: 'KAFKA_CLIENT_ID',
    description: 'Client id sent to Kafka (appears in broker logs and quotas).',
    example: 'vigil-collector-1',
    default: 'vigil',
  }),
  saslMechanism: optional(
    oneOf({
      env: 'KAFKA_SASL_MECHANISM',
      description: 'SASL mechanism for managed clusters (MSK, Confluent Cloud). Unset: no SASL.',
      example: 'scram-sha-512',
      values: ['plain', 'scram-sha-256', 'scram-sha-512'] as const,
    }),
  ),
  saslUsername: optional(
    // Without a mechanism the credentials would go unused and Vigil would connect without SASL.
    string({ env: 'KAFKA_SASL_USERNAME', description: 'SASL username.', example: 'vigil', requires: 'KAFKA_SASL_MECHANISM' }),
  ),
  saslPassword: optional(
    string({ env: 'KAFKA_SASL_PASSWORD', description: 'SASL password.', example: 's3cret', secret: true, requires: 'KAFKA_SASL_MECHANISM' }),
  ),
  tls: boolean({ env: 'KAFKA_TLS', description: 'Connect to Kafka over TLS.', example: 'on', default: false }),
  tlsCaFile: optional(
    string({
      env: 'KAFKA_TLS_CA_FILE',
      description: 'PEM file of the CA that signed the brokers\' certificates (default: system CAs).',
      example: '/etc/vigil/kafka-ca.pem',
    }),
  ),
  topicPrefix: string({
    env: 'VIGIL_TOPIC_PREFIX',
    description: 'Prefix of every Vigil topic name.',
    example: 'prod.vigil.',
    default: 'vigil.',
    pattern: /^[A-Za-z0-9._-]*$/,
    patternProblem: 'may only contain letters, digits, ".", "_" and "-"',
  }),
  topicPartitions: integer({
    env: 'VIGIL_TOPIC_PARTITIONS',
    description: 'Partitions of topics Vigil creates (more partitions, more detector instances).',
    example: '12',
    default: 6,
    min: 1,
    max: 10000,
  }),
  topicReplication: integer({
    env: 'VIGIL_TOPIC_REPLICATION',
    description: 'Replication factor of topics Vigil creates (3 in production clusters).',
    example: '3',
    default: 1,
    min: 1,
    max: 32,
  }),
};
