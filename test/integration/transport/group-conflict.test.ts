// Two deployments under different VIGIL_TOPIC_PREFIXes on one cluster with the same (default)
// consumer group id: members of one group share its partitions whatever they subscribed to, so
// each would take partitions of the other and never read them. The transport refuses to join
// such a group, and a member that finds itself in one says so through problem().

import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer as KafkaJsConsumer } from 'kafkajs';
import type { Consumer, KafkaTransport, PartitionAssignment } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { kafkaTransportFor } from './kafka-fixture';

const partitionsOf = (assignment: readonly PartitionAssignment[]) => assignment.flatMap((entry) => entry.partitions).join(',');

describe('a consumer group shared by two deployments (real broker)', () => {
  const transports: KafkaTransport[] = [];
  let outsider: KafkaJsConsumer | undefined;
  afterEach(async () => {
    await outsider?.disconnect();
    outsider = undefined;
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
  });

  function deployment(): KafkaTransport {
    const transport = kafkaTransportFor({ brokers: kafkaBrokers(), prefix: uniqueName('conflict'), partitions: 2, consumer: { heartbeatIntervalMs: 300 } });
    transports.push(transport);
    return transport;
  }

  function member(transport: KafkaTransport, groupId: string, assignments: string[] = []): Consumer {
    return transport.consumer({
      groupId,
      groupSetting: 'VIGIL_DETECTOR_GROUP_ID',
      topics: [transport.topic('events')],
      onAssign: (assignment) => void assignments.push(partitionsOf(assignment)),
      eachBatch: async () => {},
    });
  }

  it('refuses to join a group whose members read another prefix, naming the group variable and their topics', async () => {
    const [first, second] = [deployment(), deployment()];
    await Promise.all([first.ensureTopics(), second.ensureTopics()]);
    const groupId = uniqueName('shared-group');
    const firstAssignments: string[] = [];
    await member(first, groupId, firstAssignments).start();
    await waitFor(() => firstAssignments.includes('0,1'), { message: 'the first deployment to own both partitions' });

    const error = await member(second, groupId).start().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'VIGIL_CONFIG_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain(`"${groupId}"`);
    expect(message).toContain(first.topic('events'));
    expect(message).toContain(second.topic('events'));
    expect(message).toContain('VIGIL_DETECTOR_GROUP_ID=');
    // The running deployment kept its partitions: the refused member never joined.
    expect(firstAssignments).toEqual(['0,1']);
  });

  it('reports the conflict through problem() when a member of other topics joins anyway, and clears it once that member leaves', async () => {
    const transport = deployment();
    await transport.ensureTopics();
    const groupId = uniqueName('shared-group');
    const assignments: string[] = [];
    const consumer = member(transport, groupId, assignments);
    await consumer.start();
    await waitFor(() => assignments.includes('0,1'), { message: 'the member to own both partitions' });
    expect(consumer.problem()).toBeUndefined();

    // A client that does not check (an older Vigil, or one that raced us into the group).
    const otherTopic = transport.topic('anomalies');
    outsider = new Kafka({ clientId: 'vigil-test-outsider', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).consumer({ groupId, heartbeatInterval: 300 });
    await outsider.connect();
    await outsider.subscribe({ topics: [otherTopic] });
    await outsider.run({ eachMessage: async () => {} });

    const problem = await waitFor(() => consumer.problem(), { timeoutMs: 30_000, message: 'problem() to report the shared group' });
    expect(problem).toContain(`"${groupId}"`);
    expect(problem).toContain(otherTopic);
    expect(problem).toContain('VIGIL_DETECTOR_GROUP_ID');

    await outsider.disconnect();
    outsider = undefined;
    await waitFor(() => consumer.problem() === undefined && assignments.at(-1) === '0,1', {
      timeoutMs: 30_000,
      message: 'the member to own both partitions again, with no problem',
    });
  });
});
