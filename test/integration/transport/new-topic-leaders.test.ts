// Right after topics are created, their partitions answer "not the leader" / "does not host this
// topic-partition" for a moment. The transport waits and retries those itself, so a service that
// starts next to a fresh cluster (or just after another instance created the topics) does not fail.

import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { planTopics, type KafkaTransport } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { kafkaTransportFor } from './kafka-fixture';

const PARTITIONS = 6;
/** Several fresh topic sets, since one settles faster or slower depending on the broker's load. */
const ROUNDS = 4;

/** Creates every Vigil topic under the prefix the way a racing instance might: without waiting for leaders. */
async function createWithoutWaiting(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'vigil-test-racer', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: planTopics(`${prefix}.`).map((topic) => ({
        topic: topic.name,
        numPartitions: PARTITIONS,
        configEntries: topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Every call a starting service makes first: ensure, count partitions, restore, send, fetch. */
async function useEveryTopicAtOnce(transport: KafkaTransport, prefix: string): Promise<void> {
  await transport.ensureTopics();
  for (const { name } of planTopics(`${prefix}.`)) {
    expect(await transport.partitionCount(name)).toBe(PARTITIONS);
    expect(await transport.readAll(name)).toEqual([]);
  }
  const producer = await transport.producer();
  await producer.send(transport.topic('events'), Array.from({ length: PARTITIONS * 4 }, (_, i) => ({ key: `client-${i}`, value: String(i) })));
  expect(await transport.readAll(transport.topic('events'))).toHaveLength(PARTITIONS * 4);
}

describe('a topic just created (real broker)', () => {
  const transports: KafkaTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
  });

  it('real broker: ensureTopics, partitionCount, readAll and send work at once after another client created the topics without waiting for leaders', async () => {
    const brokers = kafkaBrokers();
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = uniqueName('raced-topics');
      await createWithoutWaiting(brokers, prefix);
      const transport = kafkaTransportFor({ brokers, prefix, partitions: PARTITIONS });
      transports.push(transport);
      await useEveryTopicAtOnce(transport, prefix);
    }
  }, 180_000);

  it('real broker: the same calls work at once after ensureTopics created the topics itself', async () => {
    const brokers = kafkaBrokers();
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = uniqueName('fresh-topics');
      const transport = kafkaTransportFor({ brokers, prefix, partitions: PARTITIONS });
      transports.push(transport);
      await useEveryTopicAtOnce(transport, prefix);
    }
  }, 180_000);
});
