// A KafkaTransport on the run's real broker with topics under a prefix no other test uses.

import { kafkaSchema, loadConfig } from '@vigil/config';
import { createLogger } from '@vigil/telemetry';
import { KafkaTransport } from '@vigil/transport';
import type { GroupConsumerTuning } from '@vigil/transport';

export interface KafkaFixtureOptions {
  brokers: readonly string[];
  prefix: string;
  partitions?: number;
  consumer?: Partial<GroupConsumerTuning>;
}

export function kafkaTransportFor({ brokers, prefix, partitions = 6, consumer }: KafkaFixtureOptions): KafkaTransport {
  const kafka = loadConfig(kafkaSchema, {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'vigil-test',
    VIGIL_TOPIC_PREFIX: `${prefix}.`,
    VIGIL_TOPIC_PARTITIONS: String(partitions),
  });
  return new KafkaTransport({ kafka, logger: createLogger({ name: 'transport-test', level: process.env['VIGIL_LOG_LEVEL'] ?? 'error' }), consumer });
}
