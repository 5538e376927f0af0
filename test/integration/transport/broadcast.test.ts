// Broadcast consumers on the real broker: every one receives every record (no partition sharing),
// nothing is committed, and stop() removes the group, so restarts do not pile groups up in Kafka.

import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingRecord, KafkaTransport } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { kafkaTransportFor } from './kafka-fixture';

async function groupsStartingWith(brokers: string[], prefix: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'vigil-test-inspect', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

describe('broadcast consumers (real broker)', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it('real broker: two broadcast consumers under one group id each receive every record, and stopping leaves no group', async () => {
    const brokers = kafkaBrokers();
    transport = kafkaTransportFor({ brokers, prefix: uniqueName('broadcast'), partitions: 3 });
    await transport.ensureTopics();
    const topic = transport.topic('silences');
    await (await transport.producer()).send(topic, Array.from({ length: 30 }, (_, i) => ({ key: `silence-${i}`, value: String(i) })));

    const groupId = uniqueName('broadcast-group');
    const received: IncomingRecord[][] = [[], []];
    const consumers = received.map((records) =>
      transport!.consumer({ groupId, topics: [topic], broadcast: true, eachBatch: async (batch) => void records.push(...batch.records) }),
    );
    await Promise.all(consumers.map((consumer) => consumer.start()));
    await waitFor(() => received.every((records) => records.length >= 30), { timeoutMs: 30_000, message: 'both consumers to receive all 30 records' });
    expect(received.map((records) => records.length)).toEqual([30, 30]);
    expect(await groupsStartingWith(brokers, groupId)).toHaveLength(2);

    await Promise.all(consumers.map((consumer) => consumer.stop()));
    expect(await groupsStartingWith(brokers, groupId)).toEqual([]);
  });
});
