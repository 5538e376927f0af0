// One channel down on the real broker: the other channels and later alerts go out regardless,
// offsets never move past a message the down channel has not taken, and a stop does not wait out
// its retries but leaves the message to the next start.

import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAnomaly } from '@vigil/notifiers';
import { startHttpSink, type HttpSink } from '../../support/http-sink';
import { kafkaBrokers } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, startInProcessAlerter, topicClient } from './alerter-harness';
import type { Env } from '@vigil/config';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const [first, second] = ['an-lane-a', 'an-lane-b'].map((id, i) =>
  sampleAnomaly({ id, entity: { kind: 'client', key: `client-${i}`, service: 'checkout-api' } }),
) as [ReturnType<typeof sampleAnomaly>, ReturnType<typeof sampleAnomaly>];

/** The alerter group's committed offset of anomalies.v1 partition 0 (-1: nothing committed). */
async function committedOffset(env: Env, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'vigil-test-offsets', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId: env.VIGIL_ALERTER_GROUP!, topics: [topic] });
    return Number(entry?.partitions.find((p) => p.partition === 0)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

const accepted = (sink: HttpSink) => sink.requests.filter((r) => r.answeredWith === 200).map((r) => r.body);
const idsIn = (bodies: readonly string[]) => bodies.map((body) => [first.id, second.id].find((id) => body.includes(id)));

async function setup(slackAnswers: 'refused' | 'hang' = 'refused') {
  const slack = await startHttpSink(slackAnswers === 'hang' ? { defaultResponse: 'hang' } : {});
  if (slackAnswers === 'refused') await slack.stop();
  const webhook = await startHttpSink();
  const env = alerterTestEnv({
    VIGIL_NOTIFY_TIMEOUT_SECONDS: '3',
    VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
    VIGIL_WEBHOOK_URL: `${webhook.url}/hook`,
    VIGIL_ROUTE_CRITICAL: 'slack,webhook',
    // Long enough that the down channel is still being retried when the test looks.
    VIGIL_NOTIFY_MAX_ATTEMPTS: '100',
  });
  const topics = await topicClient(env);
  cleanup.push(() => slack.stop(), () => webhook.stop(), () => topics.close());
  return { slack, webhook, env, topics };
}

describe('alerter with one channel down (real Kafka)', () => {
  it('delivers later alerts on the other channels while Slack is retried, and commits nothing Slack has not taken', async () => {
    const { slack, webhook, env, topics } = await setup();
    const alerter = await startInProcessAlerter(env);
    cleanup.push(() => alerter.stop());

    await topics.publish([first]);
    await webhook.waitForRequests(1, 30_000);
    await topics.publish([second]);
    // Before channels had lanes of their own, this waited for every Slack retry of the first alert.
    await webhook.waitForRequests(2, 30_000);
    expect(idsIn(accepted(webhook))).toEqual([first.id, second.id]);
    expect(accepted(slack)).toEqual([]);
    expect(await committedOffset(env, topics.transport.topic('anomalies'))).toBeLessThan(1);

    await slack.start();
    await waitFor(() => accepted(slack).length >= 2, { timeoutMs: 30_000, message: 'both alerts on Slack' });
    expect(idsIn(accepted(slack))).toEqual([first.id, second.id]);
    await waitFor(async () => (await committedOffset(env, topics.transport.topic('anomalies'))) === 2, {
      timeoutMs: 30_000,
      message: 'both anomalies committed once Slack took them',
    });
    expect(await topics.read('notificationsDlq')).toEqual([]);
  }, 120_000);

  it('stops without waiting out the retries and sends the undelivered alert after the next start', async () => {
    const { slack, webhook, env, topics } = await setup();
    const alerter = await startInProcessAlerter(env);
    await topics.publish([first]);
    await webhook.waitForRequests(1, 30_000);
    await waitFor(async () => /vigil_notification_retries_total\{[^}]*channel="slack"[^}]*\} [1-9]/.test(await alerter.telemetry.renderPrometheus()), {
      message: 'Slack being retried',
    });
    // With 100 attempts the retries last minutes; the test's timeout is well below that.
    await alerter.stop();
    const records = await topics.read<{ outcome?: string; channel?: string }>('notifications');
    expect(records.filter((r) => r.channel === 'slack').map((r) => r.outcome)).toEqual([]);
    expect(await topics.read('notificationsDlq')).toEqual([]);
    expect(await committedOffset(env, topics.transport.topic('anomalies'))).toBeLessThan(1);

    await slack.start();
    const restarted = await startInProcessAlerter(env);
    cleanup.push(() => restarted.stop());
    await waitFor(() => accepted(slack).length >= 1, { timeoutMs: 30_000, message: 'the alert on Slack after the restart' });
    await waitFor(async () => (await committedOffset(env, topics.transport.topic('anomalies'))) === 1, {
      timeoutMs: 30_000,
      message: 'the anomaly committed',
    });
    expect(idsIn(accepted(slack))).toEqual([first.id]);
    expect(idsIn(accepted(webhook))).toEqual([first.id]);
  }, 60_000);

  it('stops after the attempt under way when Slack hangs, and leaves the alert uncommitted', async () => {
    const { slack, webhook, env, topics } = await setup('hang');
    const alerter = await startInProcessAlerter(env);
    await topics.publish([first]);
    await webhook.waitForRequests(1, 30_000);
    await slack.waitForRequests(2, 30_000);
    // Each attempt waits VIGIL_NOTIFY_TIMEOUT_SECONDS (3 s); 100 of them would outlast the test's timeout many times.
    await alerter.stop();
    expect(await topics.read('notificationsDlq')).toEqual([]);
    expect(await committedOffset(env, topics.transport.topic('anomalies'))).toBeLessThan(1);
  }, 60_000);
});
