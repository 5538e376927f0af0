// A KafkaTransport on the run's real broker with topics under a prefix no other test uses.

import { Kafka, logLevel } from 'kafkajs';
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

/** The group's committed offset for one partition of `topic` ('-1' when none), asked of the broker directly. */
export async function committedOffset(brokers: readonly string[], groupId: string, topic: string, partition = 0): Promise<string> {
  const admin = new Kafka({ clientId: 'vigil-test-inspect', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
  } finally {
    await admin.disconnect();
  }
}
