// The alerter as a child process, SIGKILLed in the middle of a batch while a Slack request is in
// flight and not yet accepted (outside the documented duplicate window), then restarted: what was
// delivered is not sent again and what was not is sent once.

import { afterEach, describe, expect, it } from 'vitest';
import { sampleAnomaly } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, spawnAlerter, topicClient, type ChildAlerter } from './alerter-harness';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function stopChild(alerter: ChildAlerter): () => Promise<void> {
  return async () => {
    if (alerter.child.exitCode === null && alerter.child.signalCode === null) alerter.child.kill('SIGTERM');
    await alerter.exited;
  };
}

describe('alerter restart (real Kafka, child process)', () => {
  it('sends no duplicates after being killed mid-batch and restarted', async () => {
    const alerts = ['an-kill-a', 'an-kill-b', 'an-kill-c'].map((id, i) =>
      sampleAnomaly({ id, entity: { kind: 'client', key: `client-${i}`, service: 'checkout-api' } }),
    );
    // The first message is accepted; the second is received but never answered.
    const slack = await startHttpSink({ responses: [200, 'hang'] });
    const env = alerterTestEnv({
      VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
      VIGIL_ROUTE_CRITICAL: 'slack',
      VIGIL_NOTIFY_TIMEOUT_SECONDS: '120',
    });
    const topics = await topicClient(env);
    cleanup.push(() => slack.stop(), () => topics.close());
    await topics.publish(alerts);

    const first = spawnAlerter(env);
    cleanup.push(stopChild(first));
    await first.ready;
    await slack.waitForRequests(2, 30_000);
    await waitFor(async () => (await topics.read<{ outcome?: string }>('notifications')).some((r) => r.outcome === 'delivered'), {
      message: 'the first delivery recorded',
    });
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnAlerter(env);
    cleanup.push(stopChild(second));
    await second.ready;
    await waitFor(async () => (await topics.read<{ outcome?: string }>('notifications')).filter((r) => r.outcome === 'delivered').length >= 3, {
      message: 'all three alerts delivered',
    });
    const accepted = slack.requests.filter((r) => r.answeredWith === 200).map((r) => r.body);
    expect(alerts.map((a) => accepted.filter((body) => body.includes(a.id)).length)).toEqual([1, 1, 1]);
    const records = await topics.read<{ outcome?: string; alertId?: string }>('notifications');
    expect(records.filter((r) => r.outcome === 'delivered').map((r) => r.alertId).sort()).toEqual(['an-kill-a', 'an-kill-b', 'an-kill-c']);
    expect(records.some((r) => r.outcome === 'duplicate' && r.alertId === 'an-kill-a')).toBe(true);
    // The killed member holds its partition until its session times out (30 s) before the restart gets it.
  }, 120_000);
});
