// The detector service against the real broker: the attack scenario in on events.v1, its
// anomalies out on anomalies.v1 — with one instance, and with two in the group.

import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '@vigil/contract';
import { anomalySteps, describeFirings, SCENARIO } from '../../../services/detector/src/traffic-fixture';
import { kafkaBrokers } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { detectorTestEnv, ScenarioTopics, startInProcessDetector } from './detector-harness';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Every incident of the scenario fired and resolved: nothing more is coming. */
function complete(anomalies: readonly Anomaly[]): boolean {
  const resolved = new Set(anomalies.filter((a) => a.state === 'resolved').map((a) => a.id));
  const fired = anomalies.filter((a) => a.state === 'firing');
  return describeFirings(anomalies).length >= SCENARIO.expectedFirings.length && fired.every((a) => resolved.has(a.id));
}

async function scenarioOutcome(topics: ScenarioTopics, what: string): Promise<Anomaly[]> {
  return waitFor(async () => {
    const anomalies = await topics.anomalies();
    return complete(anomalies) ? anomalies : undefined;
  }, { timeoutMs: 45_000, intervalMs: 500, message: what });
}

async function untilGroupHasMembers(groupId: string, members: number): Promise<void> {
  const admin = new kafkajs.Kafka({ clientId: 'detector-test-admin', brokers: kafkaBrokers(), logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      return group?.state === 'Stable' && group.members.length === members && group.members.every((m) => m.memberAssignment.length > 0);
    }, { timeoutMs: 30_000, intervalMs: 200, message: `${members} members in ${groupId}` });
  } finally {
    await admin.disconnect();
  }
}

describe('detector service (real Kafka)', () => {
  it('turns the events of a flood and a brute force into anomalies, each published once', async () => {
    const env = detectorTestEnv();
    const topics = await ScenarioTopics.create(env);
    cleanup.push(() => topics.close());
    const running = await startInProcessDetector(env);
    cleanup.push(() => running.stop());
    await topics.publish(0, SCENARIO.buckets);

    const anomalies = await scenarioOutcome(topics, 'every scenario incident fired and resolved');
    expect(describeFirings(anomalies)).toEqual(SCENARIO.expectedFirings);
    const steps = anomalySteps(anomalies);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('gives the same anomalies with two instances in the group as with one', async () => {
    const single = detectorTestEnv();
    const pair = detectorTestEnv();
    const singleTopics = await ScenarioTopics.create(single);
    const pairTopics = await ScenarioTopics.create(pair);
    cleanup.push(() => singleTopics.close(), () => pairTopics.close());
    for (const env of [single, pair, pair]) {
      const running = await startInProcessDetector(env);
      cleanup.push(() => running.stop());
    }
    // Both members hold partitions before any event exists, so the input really is split.
    await untilGroupHasMembers(pair['VIGIL_DETECTOR_GROUP_ID']!, 2);
    await Promise.all([singleTopics.publish(0, SCENARIO.buckets), pairTopics.publish(0, SCENARIO.buckets)]);

    const [alone, together] = await Promise.all([
      scenarioOutcome(singleTopics, 'the single instance to finish the scenario'),
      scenarioOutcome(pairTopics, 'the two instances to finish the scenario'),
    ]);
    expect(describeFirings(together)).toEqual(describeFirings(alone));
    expect(describeFirings(alone)).toEqual(SCENARIO.expectedFirings);
  });
});
