import { afterEach, describe, expect, it } from 'vitest';
import { kafkaSchema, loadConfig } from '@vigil/config';
import { KafkaTransport } from '@vigil/transport';
import type { LogFields, PartitionAssignment, Producer, TransportLogger } from '@vigil/transport';
import { startBroker } from '../../../tools/kafka/broker';
import type { LocalBroker } from '../../../tools/kafka/broker';
import { uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { kafkaTransportFor } from './kafka-fixture';

// Uses a broker of its own: killing the shared one would break every other test of the run.
describe('producer during a broker outage', () => {
  let broker: LocalBroker | undefined;
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close().catch(() => {});
    await broker?.stop();
  });

  it('real broker: a send fails with VIGIL_KAFKA_UNAVAILABLE while the broker is down and succeeds after it restarts on the same data', { timeout: 180000 }, async () => {
    broker = await startBroker();
    transport = kafkaTransportFor({ brokers: broker.brokers, prefix: uniqueName('outage'), partitions: 1 });
    await transport.ensureTopics();
    const topic = transport.topic('events');
    const producer: Producer = await transport.producer();
    await producer.send(topic, [{ key: 'a', value: 'before' }]);

    await broker.kill();
    const downAt = Date.now();
    await expect(producer.send(topic, [{ key: 'a', value: 'during' }])).rejects.toMatchObject({ code: 'VIGIL_KAFKA_UNAVAILABLE', retryable: true });

    const failedAfterMs = Date.now() - downAt;
    const restartAt = Date.now();
    await broker.restart();
    const restartedAfterMs = Date.now() - restartAt;
    await producer.send(topic, [{ key: 'a', value: 'after' }]);
    console.log(
      `[kafka] send failed ${failedAfterMs} ms after the broker was killed; broker restarted in ${restartedAfterMs} ms; ` +
        `first send after restart done ${Date.now() - restartAt - restartedAfterMs} ms later`,
    );
    const values = (await transport.readAll(topic)).map((record) => record.value.toString());
    expect(values[0]).toBe('before');
    expect(values.at(-1)).toBe('after');
  });
});

describe('consumer stopped during a broker outage', () => {
  let broker: LocalBroker | undefined;
  const transports: KafkaTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close().catch(() => {})));
    await broker?.stop();
  });

  it('real broker: stop() while kafkajs is reconnecting ends the reconnecting for good, so the stopped member never rejoins', { timeout: 300000 }, async () => {
    broker = await startBroker();
    const lines: Array<{ message: string; fields: LogFields; at: number }> = [];
    let sequence = 0;
    const record = (fields: LogFields, message: string) => void lines.push({ message, fields, at: sequence++ });
    const logger: TransportLogger = { error: record, warn: record, info: record, debug: () => {} };
    const kafka = loadConfig(kafkaSchema, { KAFKA_BROKERS: broker.brokers.join(','), VIGIL_TOPIC_PREFIX: `${uniqueName('stop-outage')}.`, VIGIL_TOPIC_PARTITIONS: '2' });
    const transportOf = () => {
      const transport = new KafkaTransport({ kafka, logger, consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6000 } });
      transports.push(transport);
      return transport;
    };
    const groupId = uniqueName('stop-outage-group');
    const member = (transport: KafkaTransport, assignments: string[]) =>
      transport.consumer({
        groupId,
        topics: [transport.topic('events')],
        onAssign: (assignment: readonly PartitionAssignment[]) => void assignments.push(assignment.flatMap((a) => a.partitions).join(',')),
        eachBatch: async () => {},
      });
    const first = transportOf();
    await first.ensureTopics();
    const firstAssignments: string[] = [];
    const stopped = member(first, firstAssignments);
    await stopped.start();
    await waitFor(() => firstAssignments.includes('0,1'), { timeoutMs: 60000, message: 'the first member to own both partitions' });

    await broker.kill();
    await waitFor(() => stopped.problem(), { timeoutMs: 90000, message: 'the consumer to crash' });
    // kafkajs restarts it: stop while that attempt is connecting to the dead broker.
    const crashedAt = lines.filter((line) => line.message === 'consumer crashed').at(-1)?.at ?? 0;
    await waitFor(() => lines.some((line) => line.fields['kafkajs'] === 'Consumer' && line.message === 'Starting' && line.at > crashedAt), {
      timeoutMs: 60000,
      message: 'kafkajs to restart the consumer',
    });
    const stopAt = sequence;
    await stopped.stop();
    const assignedBeforeStop = firstAssignments.length;
    // The attempt under way fails against the dead broker: it must not be restarted.
    const attemptEnd = await waitFor(() => lines.find((line) => line.at >= stopAt && line.message === 'consumer crashed'), {
      timeoutMs: 60000,
      message: 'the restart under way at stop() to end',
    });
    expect(attemptEnd.fields['restart']).toBe(false);

    await broker.restart();
    const secondAssignments: string[] = [];
    await member(transportOf(), secondAssignments).start();
    await waitFor(() => secondAssignments.at(-1) === '0,1', { timeoutMs: 90000, message: 'the new member to own both partitions' });
    expect(firstAssignments.length).toBe(assignedBeforeStop);
  });
});
