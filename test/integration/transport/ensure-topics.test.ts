import kafkajs from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPACTED_TOPICS, TOPICS } from '@vigil/contract';
import type { TopicRole } from '@vigil/contract';
import { kafkaSchema, loadConfig } from '@vigil/config';
import { KafkaTransport } from '@vigil/transport';
import type { LogFields, TransportLogger } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { kafkaTransportFor } from './kafka-fixture';

const { ConfigResourceTypes } = kafkajs;
const ROLES = Object.keys(TOPICS) as TopicRole[];

function adminFor(brokers: string[]) {
  return new Kafka({ clientId: 'vigil-test-inspect', brokers, logLevel: logLevel.NOTHING }).admin();
}

/** Creates `topic` as an operator might have, before Vigil, with the broker's other defaults. */
async function createTopicAsIs(brokers: string[], topic: string, numPartitions: number): Promise<void> {
  const admin = adminFor(brokers);
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions }] });
  } finally {
    await admin.disconnect();
  }
}

describe('topic creation on the real broker', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it('real broker: ensureTopics creates every Vigil topic once, compacting the state topics, and a second call changes nothing', async () => {
    const brokers = kafkaBrokers();
    const prefix = uniqueName('topics');
    transport = kafkaTransportFor({ brokers, prefix, partitions: 3 });
    await transport.ensureTopics();
    await transport.ensureTopics();
    const anotherInstance = kafkaTransportFor({ brokers, prefix, partitions: 3 });
    await anotherInstance.ensureTopics();
    await anotherInstance.close();

    const names = ROLES.map((role) => transport!.topic(role));
    const admin = adminFor(brokers);
    await admin.connect();
    try {
      const existing = (await admin.listTopics()).filter((name) => name.startsWith(`${prefix}.`));
      expect(existing.sort()).toEqual([...names].sort());
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      expect(metadata.topics.map((t) => t.partitions.length)).toEqual(names.map(() => 3));

      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
      });
      const policy = Object.fromEntries(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
      for (const role of ROLES) {
        expect(policy[transport.topic(role)], role).toBe(COMPACTED_TOPICS.includes(role) ? 'compact' : 'delete');
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('real broker: ensureTopics refuses a state topic that exists without compaction', async () => {
    const brokers = kafkaBrokers();
    const prefix = uniqueName('bad-state-topic');
    transport = kafkaTransportFor({ brokers, prefix, partitions: 1 });
    await createTopicAsIs(brokers, transport.topic('silences'), 1);
    await expect(transport.ensureTopics()).rejects.toMatchObject({
      code: 'VIGIL_KAFKA_TOPIC',
      message: expect.stringContaining(`${prefix}.silences.v1 holds state and must be compacted`),
    });
  });

  it('real broker: ensureTopics warns, naming the topic and VIGIL_TOPIC_PARTITIONS, when an existing topic has fewer partitions', async () => {
    const brokers = kafkaBrokers();
    const prefix = uniqueName('few-partitions');
    const warnings: string[] = [];
    const ignore = (_fields: LogFields, _message: string) => {};
    const logger: TransportLogger = { error: ignore, info: ignore, debug: ignore, warn: (_fields, message) => void warnings.push(message) };
    const kafka = loadConfig(kafkaSchema, { KAFKA_BROKERS: brokers.join(','), VIGIL_TOPIC_PREFIX: `${prefix}.`, VIGIL_TOPIC_PARTITIONS: '4' });
    transport = new KafkaTransport({ kafka, logger });
    await createTopicAsIs(brokers, transport.topic('events'), 2);
    await transport.ensureTopics();
    const warning = warnings.find((message) => message.includes('fewer partitions'));
    expect(warning).toContain('VIGIL_TOPIC_PARTITIONS=4');
    expect(warning).toContain(`${prefix}.events.v1 (2)`);
    // Only that topic: the ones Vigil created have the partitions asked for.
    expect(warning).not.toContain(`${prefix}.repartition.v1`);
  });
});
