// What the detector's /readyz says on a real broker: not ready while it owns no partition (more
// instances than partitions), and not ready while its consumer has lost Kafka, ready again once
// the broker is back — without a restart.

import { afterEach, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../../../tools/kafka/broker';
import { readiness, readinessThroughBrokerOutage } from '../../support/readiness';
import { waitFor } from '../../support/wait-for';
import { detectorTestEnv, ScenarioTopics, startInProcessDetector, type InProcessDetector } from './detector-harness';
import type { Env } from '@vigil/config';

/** Creates the deployment's topics (vigil start does it before the services start). */
async function createTopics(env: Env): Promise<void> {
  await (await ScenarioTopics.create(env)).close();
}

describe('detector readiness (real broker)', () => {
  const running: InProcessDetector[] = [];
  let broker: LocalBroker | undefined;
  afterEach(async () => {
    await Promise.all(running.splice(0).map((detector) => detector.stop()));
    await broker?.stop();
    broker = undefined;
  }, 120_000);

  it('is not ready while it owns no partition of its group: three instances for two partitions', { timeout: 120_000 }, async () => {
    // One partition each of events.v1 and repartition.v1: one of three members gets neither.
    const env = detectorTestEnv({ VIGIL_TOPIC_PARTITIONS: '1' });
    await createTopics(env);
    for (let i = 0; i < 3; i++) running.push(await startInProcessDetector(env));
    const states = await waitFor(
      async () => {
        const all = await Promise.all(running.map((detector) => readiness(detector.url)));
        return all.filter((state) => state.status === 200).length === 2 && all.some((state) => state.status === 503) ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, message: 'two ready detectors and one without a partition' },
    );
    const idle = states.find((state) => state.status === 503);
    expect(idle?.reasons['detector']).toMatch(/owns no partition/);
  });

  it('is not ready while the broker is down, and ready again once it is back, without a restart', { timeout: 240_000 }, async () => {
    // A broker of this test's own: killing the shared one would break every other test.
    broker = await startBroker();
    const env = detectorTestEnv({ KAFKA_BROKERS: broker.brokers.join(','), VIGIL_TOPIC_PARTITIONS: '1' });
    await createTopics(env);
    const detector = await startInProcessDetector(env);
    running.push(detector);
    const down = await readinessThroughBrokerOutage(detector.url, broker, 'detector');
    // Anyone may read /readyz: the reason says what is wrong, kafkajs's error (broker addresses) stays in the log.
    expect(down.reasons['detector']).toBe('consumer lost Kafka and is reconnecting (the log has the error: "consumer crashed")');
  });
});
