import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, IncomingRecord, PartitionAssignment } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { kafkaTransportFor } from './kafka-fixture';
import type { KafkaTransport } from '@vigil/transport';

const CLIENTS = 200;
const EVENTS_PER_CLIENT = 100; // 20,000 events
const RECORDS_PER_SEND = 2000;
const PARTITIONS = 6;

describe('Kafka transport on the real broker', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it('real broker: 20,000 keyed events come back through a two-member consumer group, none lost, per-key order kept', async () => {
    const brokers = kafkaBrokers();
    transport = kafkaTransportFor({ brokers, prefix: uniqueName('round-trip'), partitions: PARTITIONS });
    await transport.ensureTopics();
    const topic = transport.topic('events');

    const received: IncomingRecord[] = [];
    const assignments = new Map<number, readonly PartitionAssignment[]>();
    const groupId = uniqueName('round-trip-group');
    const members: Consumer[] = [0, 1].map((member) =>
      transport!.consumer({
        groupId,
        topics: [topic],
        onAssign: (assignment) => void assignments.set(member, assignment),
        eachBatch: async (batch) => {
          await batch.heartbeat();
          received.push(...batch.records);
        },
      }),
    );
    for (const member of members) await member.start();
    await waitFor(
      () => [...assignments.values()].flatMap((a) => a.flatMap((entry) => entry.partitions)).length === PARTITIONS && assignments.size === 2,
      { message: 'both members to share the 6 partitions' },
    );

    const producer = await transport.producer();
    const outgoing = [];
    for (let seq = 0; seq < EVENTS_PER_CLIENT; seq++) {
      for (let client = 0; client < CLIENTS; client++) {
        outgoing.push({ key: `client-${client}`, value: JSON.stringify({ client, seq }), headers: { 'vigil-encoding': 'json-v1' } });
      }
    }
    const sendStarted = Date.now();
    for (let i = 0; i < outgoing.length; i += RECORDS_PER_SEND) await producer.send(topic, outgoing.slice(i, i + RECORDS_PER_SEND));
    const sendMs = Date.now() - sendStarted;

    await waitFor(() => received.length >= outgoing.length, { timeoutMs: 45000, message: `${outgoing.length} records consumed` });
    console.log(`[kafka] produced ${outgoing.length} keyed records in ${sendMs} ms; consumed them back across 2 group members at ${brokers.join(',')}`);

    expect(received).toHaveLength(outgoing.length);
    const nextSeq = new Map<number, number>();
    for (const record of received) {
      const { client, seq } = JSON.parse(record.value.toString()) as { client: number; seq: number };
      expect(record.key).toBe(`client-${client}`);
      expect(record.partition).toBe(transport.partitionFor(record.key!, PARTITIONS));
      expect(record.headers['vigil-encoding']).toBe('json-v1');
      expect(seq).toBe(nextSeq.get(client) ?? 0);
      nextSeq.set(client, seq + 1);
    }
    expect([...nextSeq.values()].every((n) => n === EVENTS_PER_CLIENT)).toBe(true);
  });

  it('real broker: readAll returns every record up to the end offsets at call time', async () => {
    transport = kafkaTransportFor({ brokers: kafkaBrokers(), prefix: uniqueName('read-all'), partitions: 3 });
    await transport.ensureTopics();
    const topic = transport.topic('detectorState');
    const producer = await transport.producer();
    await producer.send(topic, Array.from({ length: 30 }, (_, i) => ({ key: `entity-${i % 10}`, value: String(i) })));

    const all = await transport.readAll(topic);
    expect(all.map((r) => Number(r.value.toString())).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const one = await transport.readAll(topic, { partitions: [1] });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((r) => r.partition === 1)).toBe(true);
    expect(await transport.readAll(transport.topic('silences'))).toEqual([]);
  });

  it('real broker: readAll since starts each partition at the first record of that time, and a tombstone reads as one', async () => {
    transport = kafkaTransportFor({ brokers: kafkaBrokers(), prefix: uniqueName('read-since'), partitions: 3 });
    await transport.ensureTopics();
    const topic = transport.topic('silences');
    const producer = await transport.producer();
    await producer.send(topic, Array.from({ length: 30 }, (_, i) => ({ key: `old-${i}`, value: `old-${i}` })));
    const newestOld = Math.max(...(await transport.readAll(topic)).map((r) => r.timestamp));
    await waitFor(() => Date.now() > newestOld, { message: 'the clock past the older records' });
    await producer.send(topic, [
      { key: 'new-a', value: 'new-a' },
      { key: 'old-3', value: null },
      { key: 'new-b', value: 'new-b' },
    ]);

    const recent = await transport.readAll(topic, { since: newestOld + 1 });
    expect(recent.map((r) => [r.key, r.tombstone === true ? 'tombstone' : r.value.toString()]).sort()).toEqual([
      ['new-a', 'new-a'],
      ['new-b', 'new-b'],
      ['old-3', 'tombstone'],
    ]);
    expect(await transport.readAll(topic)).toHaveLength(33);
    await producer.close();
  });
});
