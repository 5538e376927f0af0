// Kafka throughput on the same broker with the same event payloads: (a) raw kafkajs with one event
// per record, the naive limit (2,000 records per send, 4 sends in flight, eachBatch + JSON.parse);
// (b) Vigil's transport with events packed per partition (the collector's record packing) and the
// consumer decoding and validating them as the detector does. Each: produce and consume in one
// process, timed from the first send to the last event consumed.

import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { collectorSchema, loadConfig } from '../../packages/config/src/index';
import { decodeEvents, ENCODING_HEADER, type ApiAccessEvent } from '../../packages/contract/src/index';
import { packEventRecords } from '../../services/collector/src/sinks/record-packing';
import { interleavedMedians, KAFKA_ROUNDS, noteWithMedian, WARM_UP_EVENTS, waitUntil, type BenchContext, type BenchSuite } from '../lib/harness';
import { BENCH_PARTITIONS, benchTransport, chunks, parsedEvents, uniquePrefix, withConcurrency } from '../lib/kafka-bench';
import { sharedNginxTraffic } from '../lib/nginx-traffic';

const { Kafka, logLevel } = kafkajs;
const RAW_RECORDS_PER_SEND = 2_000;
const RAW_SENDS_IN_FLIGHT = 4;
/**
 * Events per send. The collector takes up to 20,000, but the broker applies max.message.bytes
 * (1 MiB) to the whole record batch of one partition in a produce request, and 20,000 events of
 * ~330 bytes over 6 partitions exceed it (MESSAGE_TOO_LARGE): see docs/performance.md.
 */
const VIGIL_EVENTS_PER_SEND = 5_000;
/** The collector's packing with no VIGIL_* variables set: the encoding and batch size users get. */
const COLLECTOR_DEFAULTS = loadConfig(collectorSchema, {});
/** The collector's publish buffer sends one batch at a time (ordered acks; idempotent producer). */
const VIGIL_SENDS_IN_FLIGHT = 1;
const TIMEOUT_MS = 180_000;

async function rawKafkajs(brokers: string[], warmUp: readonly ApiAccessEvent[], events: readonly ApiAccessEvent[]): Promise<number> {
  const kafka = new Kafka({ clientId: 'vigil-bench-raw', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-raw-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: BENCH_PARTITIONS, replicationFactor: 1 }] });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let consumed = 0;
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  try {
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.value !== null && JSON.parse(message.value.toString()) !== null) consumed++;
        }
      },
    });
    await waitUntil(() => joined, 'the raw consumer to join its group', 30_000);
    const send = async (chunk: readonly ApiAccessEvent[]) => {
      await producer.send({ topic, acks: -1, messages: chunk.map((event) => ({ key: event.client.key, value: JSON.stringify(event) })) });
    };
    // Settles metadata, leaders and fetch sessions, and warms the JIT up (see WARM_UP_EVENTS).
    await withConcurrency(chunks(warmUp, RAW_RECORDS_PER_SEND), RAW_SENDS_IN_FLIGHT, send);
    await waitUntil(() => consumed >= warmUp.length, 'the raw warm-up records', TIMEOUT_MS);
    consumed = 0;
    const started = performance.now();
    await withConcurrency(chunks(events, RAW_RECORDS_PER_SEND), RAW_SENDS_IN_FLIGHT, send);
    await waitUntil(() => consumed >= events.length, `${events.length} raw records consumed (got ${consumed})`, TIMEOUT_MS, 5);
    return (events.length * 1000) / (performance.now() - started);
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

async function vigilTransport(brokers: string[], warmUp: readonly ApiAccessEvent[], events: readonly ApiAccessEvent[]): Promise<number> {
  const { transport } = await benchTransport(brokers, uniquePrefix('transport'));
  const topic = transport.topic('events');
  const partitionCount = await transport.partitionCount(topic);
  let consumed = 0;
  let assigned = false;
  const consumer = transport.consumer({
    groupId: `${topic}-group`,
    topics: [topic],
    onAssign: () => void (assigned = true),
    eachBatch: async (batch) => {
      for (const record of batch.records) consumed += decodeEvents(record.value, record.headers[ENCODING_HEADER]).length;
    },
  });
  try {
    await consumer.start();
    await waitUntil(() => assigned, 'the Vigil consumer to be assigned partitions', 30_000);
    const producer = await transport.producer();
    const send = async (chunk: readonly ApiAccessEvent[]) => {
      const records = packEventRecords(chunk, {
        encoding: COLLECTOR_DEFAULTS.eventsEncoding,
        eventsPerRecord: COLLECTOR_DEFAULTS.eventsPerRecord,
        maxRecordBytes: 900_000,
        partitionCount,
        partitionFor: (key, count) => transport.partitionFor(key, count),
      });
      await producer.send(topic, records);
    };
    await withConcurrency(chunks(warmUp, VIGIL_EVENTS_PER_SEND), VIGIL_SENDS_IN_FLIGHT, send);
    await waitUntil(() => consumed >= warmUp.length, 'the Vigil warm-up events', TIMEOUT_MS);
    consumed = 0;
    const started = performance.now();
    await withConcurrency(chunks(events, VIGIL_EVENTS_PER_SEND), VIGIL_SENDS_IN_FLIGHT, send);
    await waitUntil(() => consumed >= events.length, `${events.length} events consumed through the Vigil transport (got ${consumed})`, TIMEOUT_MS, 5);
    return (events.length * 1000) / (performance.now() - started);
  } finally {
    await transport.close();
  }
}

const suite: BenchSuite = {
  name: 'transport',
  order: 30,
  async run(ctx: BenchContext) {
    const count = ctx.quick ? 100_000 : 300_000;
    const brokers = await ctx.brokers();
    const parsed = parsedEvents(sharedNginxTraffic(WARM_UP_EVENTS + count).lines.slice(0, WARM_UP_EVENTS + count));
    const warmUp = parsed.slice(0, WARM_UP_EVENTS);
    const events = parsed.slice(WARM_UP_EVENTS);
    ctx.log(`raw kafkajs (${events.length} events one per record) and the Vigil transport (packed ${COLLECTOR_DEFAULTS.eventsPerRecord} per record)`);
    const rates = await interleavedMedians(
      ctx.quick ? 1 : KAFKA_ROUNDS,
      { raw: () => rawKafkajs(brokers, warmUp, events), vigil: () => vigilTransport(brokers, warmUp, events) },
      (rate) => rate,
      ctx.log,
    );
    ctx.record({
      key: 'transport.rawKafkajs.eventsPerSec',
      value: rates.raw.median,
      unit: 'events/s',
      note: noteWithMedian(`one event per record, ${RAW_RECORDS_PER_SEND} per send, ${RAW_SENDS_IN_FLIGHT} in flight, acks=all, eachBatch + JSON.parse`, rates.raw.values),
    });
    ctx.record({
      key: 'transport.vigil.eventsPerSec',
      value: rates.vigil.median,
      unit: 'events/s',
      baseline: { key: 'transport.rawKafkajs.eventsPerSec', ratioKey: 'transport.vigil.ratioToRawKafkajs' },
      note: noteWithMedian(`KafkaTransport, collector record packing (${COLLECTOR_DEFAULTS.eventsEncoding}, ${COLLECTOR_DEFAULTS.eventsPerRecord} events/record), consumer decodes and validates`, rates.vigil.values),
    });
  },
};

export default suite;
