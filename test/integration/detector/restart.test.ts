// The detector as a child process, SIGKILLed while events stream in, then restarted: it resumes
// from its checkpoints (the brute force after the restart is caught, which a detector relearning
// from zero would still be warming up for) and publishes no anomaly twice.

import { afterEach, describe, expect, it } from 'vitest';
import { anomalySteps, describeFirings, SCENARIO } from '../../../services/detector/src/traffic-fixture';
import { waitFor } from '../../support/wait-for';
import { detectorTestEnv, ScenarioTopics, spawnDetector, type ChildDetector } from './detector-harness';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function stopChild(detector: ChildDetector): () => Promise<void> {
  return async () => {
    if (detector.child.exitCode === null && detector.child.signalCode === null) detector.child.kill('SIGTERM');
    await detector.exited;
  };
}

describe('detector restart (real Kafka, child process)', () => {
  it('keeps its baselines and fires nothing twice after a SIGKILL mid-stream', async () => {
    const env = detectorTestEnv();
    const topics = await ScenarioTopics.create(env);
    cleanup.push(() => topics.close());

    const first = spawnDetector(env);
    cleanup.push(stopChild(first));
    await first.ready;
    await topics.publish(0, 28);
    await waitFor(async () => describeFirings(await topics.anomalies()).includes('traffic-spike client 10.0.0.4 @25'), {
      timeoutMs: 45_000,
      intervalMs: 250,
      message: 'the flood reported before the kill',
    });
    await topics.publish(28, 31);
    first.child.kill('SIGKILL');
    await first.exited;
    await topics.publish(31, SCENARIO.buckets);

    const second = spawnDetector(env);
    cleanup.push(stopChild(second));
    await second.ready;
    const anomalies = await waitFor(async () => {
      const all = await topics.anomalies();
      const resolved = new Set(all.filter((a) => a.state === 'resolved').map((a) => a.id));
      const done = describeFirings(all).length >= SCENARIO.expectedFirings.length && all.filter((a) => a.state === 'firing').every((a) => resolved.has(a.id));
      return done ? all : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, message: 'every scenario incident fired and resolved after the restart' });

    expect(describeFirings(anomalies)).toEqual(SCENARIO.expectedFirings);
    const steps = anomalySteps(anomalies);
    expect(new Set(steps).size).toBe(steps.length);
  }, 120_000);
});
