// Consumers that commit only what their caller made durable (commit 'manual'), on the real broker:
// delivered is not committed, a restart resumes from the last commit, a throw rewinds to it; and a
// larger per-partition fetch takes a backlog in bigger batches.

import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingRecord, KafkaTransport } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { committedOffset, kafkaTransportFor } from './kafka-fixture';

function valuesOf(records: readonly IncomingRecord[]): string[] {
  return records.map((record) => record.value.toString());
}

describe('manual commits on the real broker', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  async function setUp(name: string) {
    const brokers = kafkaBrokers();
    transport = kafkaTransportFor({ brokers, prefix: uniqueName(name), partitions: 1 });
    await transport.ensureTopics();
    const topic = transport.topic('events');
    const producer = await transport.producer();
    return { brokers, transport, topic, producer, groupId: uniqueName(`${name}-group`) };
  }

  it('real broker: delivered records stay uncommitted until the caller commits, and a restart resumes from that commit', async () => {
    const { brokers, transport, topic, producer, groupId } = await setUp('manual-commit');
    await producer.send(topic, Array.from({ length: 300 }, (_, i) => ({ key: 'k', value: String(i) })));

    const first: IncomingRecord[] = [];
    const consumer = transport.consumer({ groupId, topics: [topic], commit: 'manual', eachBatch: async (batch) => void first.push(...batch.records) });
    await consumer.start();
    await waitFor(() => first.length >= 300, { timeoutMs: 30000, message: 'all 300 records delivered' });
    expect(await committedOffset(brokers, groupId, topic)).toBe('-1');

    await consumer.commit([{ topic, partition: 0, offset: '200' }]);
    expect(await committedOffset(brokers, groupId, topic)).toBe('200');
    await consumer.stop();
    expect(await committedOffset(brokers, groupId, topic)).toBe('200');

    const second: IncomingRecord[] = [];
    const successor = transport.consumer({ groupId, topics: [topic], commit: 'manual', eachBatch: async (batch) => void second.push(...batch.records) });
    await successor.start();
    await waitFor(() => second.length >= 100, { timeoutMs: 30000, message: 'the successor to receive the uncommitted records' });
    expect(valuesOf(second)).toEqual(Array.from({ length: 100 }, (_, i) => String(200 + i)));
  });

  it('real broker: a throw delivers the partition again from the last commit, not only the failed batch', async () => {
    const { transport, topic, producer, groupId } = await setUp('manual-rewind');
    await producer.send(topic, Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: String(i) })));

    const seen: string[] = [];
    let failed = false;
    const consumer = transport.consumer({
      groupId,
      topics: [topic],
      commit: 'manual',
      eachBatch: async (batch) => {
        const values = valuesOf(batch.records);
        if (values.includes('150') && !failed) {
          failed = true;
          throw new Error('downstream unavailable');
        }
        seen.push(...values);
      },
    });
    await consumer.start();
    await waitFor(() => seen.length >= 100, { timeoutMs: 30000, message: 'the first 100 records' });
    await consumer.commit([{ topic, partition: 0, offset: '50' }]);
    await producer.send(topic, Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: String(100 + i) })));

    await waitFor(() => seen.includes('199'), { timeoutMs: 45000, message: 'the records after the failure' });
    expect(failed).toBe(true);
    expect(seen.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    // After the failure the partition starts again at the committed offset 50.
    expect(seen.slice(100)).toEqual(Array.from({ length: 150 }, (_, i) => String(50 + i)));
    await consumer.stop();
  });

  it('real broker: with a larger maxBytesPerPartition a backlog of big records comes in one batch', async () => {
    const { transport, topic, producer, groupId } = await setUp('fetch-bytes');
    const big = 'x'.repeat(600 * 1024);
    for (let i = 0; i < 3; i++) await producer.send(topic, [{ key: 'k', value: `${i}${big}` }]);

    const batchSizes: number[] = [];
    const consumer = transport.consumer({
      groupId,
      topics: [topic],
      maxBytesPerPartition: 4 * 1024 * 1024,
      eachBatch: async (batch) => void batchSizes.push(batch.records.length),
    });
    await consumer.start();
    await waitFor(() => batchSizes.reduce((sum, n) => sum + n, 0) >= 3, { timeoutMs: 30000, message: 'the three records' });
    expect(batchSizes).toEqual([3]);
    await consumer.stop();
  });
});
