// Two alerter instances in one consumer group on the real broker. Alert groups belong to the
// anomalies.v1 partition their anomalies arrive on: an instance keeps, restores and repeats only
// the groups of its own partitions, so when a second instance joins and takes a partition over,
// each repeat reminder still goes out once.

import { afterEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '@vigil/contract';
import { sampleAnomaly } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, startInProcessAlerter, topicClient, type InProcessAlerter } from './alerter-harness';

const REPEAT_INTERVAL_SECONDS = 5;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

interface AuditRecord {
  type: 'delivery' | 'group';
  outcome?: string;
  alertId?: string;
  idempotencyKey?: string;
  state?: { groupKey: string };
}

/** The notification's number within its incident: the idempotency key ends in ":<seq>:<kind>". */
const sequenceOf = (key: string) => Number(key.split(':').at(-2));

/** A stop the test calls itself and the cleanup calls again only if the test did not get there. */
function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
}

async function deliveredSlackMessages(alerter: InProcessAlerter): Promise<number> {
  const line = (await alerter.telemetry.renderPrometheus()).split('\n').find((l) => /^vigil_notifications_total\{.*channel="slack".*outcome="delivered"/.test(l));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('alerter scale-out (real Kafka, two instances)', () => {
  it('sends each repeat reminder once when a second instance joins and takes over a partition', async () => {
    const slack = await startHttpSink();
    const env = alerterTestEnv({
      VIGIL_TOPIC_PARTITIONS: '2',
      VIGIL_REPEAT_INTERVAL_SECONDS: String(REPEAT_INTERVAL_SECONDS),
      VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
      VIGIL_ROUTE_CRITICAL: 'slack',
    });
    const topics = await topicClient(env);
    cleanup.push(() => slack.stop(), () => topics.close());
    // One incident on each partition, so whichever partition the newcomer gets, it takes one over.
    const alerts: Anomaly[] = [0, 1].map((partition) =>
      sampleAnomaly({ id: `an-scale-${partition}`, entity: { kind: 'client', key: `client-${partition}`, service: 'checkout-api' } }),
    );
    const producer = await topics.transport.producer();
    await producer.send(
      topics.transport.topic('anomalies'),
      alerts.map((alert, partition) => ({ key: alert.entity.key, value: JSON.stringify(alert), partition })),
    );
    await producer.close();

    const first = await startInProcessAlerter(env);
    const stopFirst = once(() => first.stop());
    cleanup.push(stopFirst);
    await waitFor(async () => (await topics.read<AuditRecord>('notifications')).filter((r) => r.type === 'group').length >= 2, {
      timeoutMs: 30_000,
      message: 'the first instance to notify both incidents and save their state',
    });
    const second = await startInProcessAlerter(env);
    const stopSecond = once(() => second.stop());
    cleanup.push(stopSecond);

    const delivered = async () => (await topics.read<AuditRecord>('notifications')).filter((r) => r.type === 'delivery' && r.outcome === 'delivered');
    // Also until the newcomer sent something: it did take an incident over, however slow the rebalance.
    await waitFor(async () => {
      const reminded = new Set((await delivered()).filter((r) => sequenceOf(r.idempotencyKey!) >= 3).map((r) => r.alertId));
      return alerts.every((alert) => reminded.has(alert.id)) && (await deliveredSlackMessages(second)) > 0;
    }, {
      timeoutMs: 90_000,
      intervalMs: 250,
      message: 'two repeat reminders of both incidents, some sent by the second instance',
    });
    // Stopped, so no message is still on its way while Slack's requests are counted.
    await stopSecond();
    await stopFirst();

    const records = await delivered();
    for (const alert of alerts) {
      const keys = records.filter((r) => r.alertId === alert.id).map((r) => r.idempotencyKey!);
      expect(keys.filter((key) => sequenceOf(key) <= 3).sort(), `notifications of ${alert.id}`).toEqual(
        [1, 2, 3].map((seq) => expect.stringMatching(new RegExp(`:${seq}:firing$`))),
      );
      // Slack got one message per notification, none twice.
      expect(slack.requests.filter((r) => r.body.includes(alert.id))).toHaveLength(keys.length);
    }
  }, 150_000);
});
