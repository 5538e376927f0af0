// onRevoke on the real broker: kafkajs has no revoke hook, so the transport derives it from each
// GROUP_JOIN. A member that loses partitions to a newcomer hears about it before its new onAssign.

import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, KafkaTransport, PartitionAssignment } from '@vigil/transport';
import { kafkaBrokers, uniqueName } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { kafkaTransportFor } from './kafka-fixture';

const partitionsOf = (assignment: readonly PartitionAssignment[]) => assignment.flatMap((entry) => entry.partitions).join(',');

describe('rebalance callbacks (real broker)', () => {
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it('real broker: a member hears which partitions a newcomer took (onRevoke) before its new assignment (onAssign)', async () => {
    // A short heartbeat, so the first member notices the rebalance quickly.
    transport = kafkaTransportFor({ brokers: kafkaBrokers(), prefix: uniqueName('revoke'), partitions: 2, consumer: { heartbeatIntervalMs: 300 } });
    await transport.ensureTopics();
    const groupId = uniqueName('revoke-group');
    const events: string[] = [];
    const member = (name: string): Consumer =>
      transport!.consumer({
        groupId,
        topics: [transport!.topic('anomalies')],
        onRevoke: (revoked) => void events.push(`${name} revoke ${partitionsOf(revoked)}`),
        onAssign: (assignment) => void events.push(`${name} assign ${partitionsOf(assignment)}`),
        eachBatch: async () => {},
      });

    await member('first').start();
    await waitFor(() => events.includes('first assign 0,1'), { message: 'the first member to own both partitions' });
    await member('second').start();
    await waitFor(() => events.some((event) => event.startsWith('second assign')) && events.filter((e) => e.startsWith('first')).length >= 3, {
      message: 'both members to rejoin',
    });

    const firstEvents = events.filter((event) => event.startsWith('first'));
    const kept = firstEvents[2]?.replace('first assign ', '');
    const taken = events.find((event) => event.startsWith('second assign'))?.replace('second assign ', '');
    expect([kept, taken].sort()).toEqual(['0', '1']);
    expect(firstEvents).toEqual(['first assign 0,1', `first revoke ${taken}`, `first assign ${kept}`]);
  });
});
