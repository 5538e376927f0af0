// Child process for the at-least-once test: a group member on the real broker that processes
// (and so commits) batches normally until it meets a record whose value is "hold"; that batch it
// announces on stdout and never finishes, so it is never committed. The test then SIGKILLs it.
//   env: KAFKA_BROKERS, TEST_PREFIX, TEST_GROUP

import { kafkaTransportFor } from './kafka-fixture';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',');
const transport = kafkaTransportFor({
  brokers,
  prefix: process.env['TEST_PREFIX']!,
  partitions: 1,
  // The broker's minimum: the killed member leaves the group within seconds, not the default 30.
  consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
});

const consumer = transport.consumer({
  groupId: process.env['TEST_GROUP']!,
  topics: [transport.topic('events')],
  eachBatch: async (batch) => {
    const offsets = `${batch.records[0]!.offset}-${batch.records.at(-1)!.offset}`;
    if (batch.records.some((record) => record.value.toString() === 'hold')) {
      process.stdout.write(`HOLDING ${offsets}\n`);
      await new Promise(() => {});
    }
    process.stdout.write(`PROCESSED ${offsets}\n`);
  },
});
await consumer.start();
// The pid lets the test check that the process it will SIGKILL is this consumer itself.
process.stdout.write(`STARTED ${process.pid}\n`);
