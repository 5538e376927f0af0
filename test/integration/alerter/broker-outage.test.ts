// The alerter while its broker is down: /readyz says the consumer lost Kafka (rather than
// "ready"), and once the broker is back the same process is ready again and notifies what
// arrives, with no restart.

import { afterEach, describe, expect, it } from 'vitest';
import { sampleAnomaly } from '@vigil/notifiers';
import { startBroker, type LocalBroker } from '../../../tools/kafka/broker';
import { startHttpSink } from '../../support/http-sink';
import { readinessThroughBrokerOutage } from '../../support/readiness';
import { alerterTestEnv, startInProcessAlerter, topicClient } from './alerter-harness';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
}, 120_000);

describe('alerter during a broker outage (real broker)', () => {
  it('is not ready while the broker is down, then ready again and delivering without a restart', { timeout: 240_000 }, async () => {
    // A broker of this test's own: killing the shared one would break every other test.
    const broker: LocalBroker = await startBroker();
    cleanup.push(() => broker.stop());
    const slack = await startHttpSink();
    cleanup.push(() => slack.stop());
    const env = alerterTestEnv({
      KAFKA_BROKERS: broker.brokers.join(','),
      VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
      VIGIL_ROUTE_CRITICAL: 'slack',
    });
    const topics = await topicClient(env);
    cleanup.push(() => topics.close());
    const alerter = await startInProcessAlerter(env);
    cleanup.push(() => alerter.stop());
    const down = await readinessThroughBrokerOutage(alerter.url, broker, 'alerter');
    expect(down.reasons['alerter']).toMatch(/lost Kafka/);
    await topics.publish([sampleAnomaly({ id: 'an-after-outage', severity: 'critical' })]);
    const [message] = await slack.waitForRequests(1, 60_000);
    expect(message?.body).toContain('an-after-outage');
  });
});
