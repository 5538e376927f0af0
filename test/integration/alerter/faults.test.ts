// Channel faults on the real broker: SMTP down then up, Slack answering 500, 429 (Retry-After) and
// then 200. Every alert arrives exactly once in the end and nothing is lost.

import { afterEach, describe, expect, it } from 'vitest';
import { sampleAnomaly } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import { startSmtpSink } from '../../support/smtp-sink';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, startInProcessAlerter, topicClient } from './alerter-harness';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const alerts = ['an-fault-a', 'an-fault-b', 'an-fault-c'].map((id, i) =>
  sampleAnomaly({ id, entity: { kind: 'client', key: `client-${i}`, service: 'checkout-api' } }),
);

function countById(bodies: readonly string[]): number[] {
  return alerts.map((a) => bodies.filter((body) => body.includes(a.id)).length);
}

describe('alerter under channel faults (real Kafka)', () => {
  it('delivers every email exactly once when the SMTP server is down and comes back', async () => {
    const smtp = await startSmtpSink();
    await smtp.stop();
    const env = alerterTestEnv({ VIGIL_SMTP_URL: smtp.url(), VIGIL_EMAIL_TO: 'oncall@example.com', VIGIL_ROUTE_CRITICAL: 'email' });
    const topics = await topicClient(env);
    const alerter = await startInProcessAlerter(env);
    cleanup.push(() => smtp.stop(), () => topics.close(), () => alerter.stop());

    await topics.publish(alerts);
    await waitFor(async () => /vigil_notification_retries_total\{[^}]*channel="email"[^}]*\} [1-9]/.test(await alerter.telemetry.renderPrometheus()), {
      message: 'a failed email attempt being retried',
    });
    await smtp.start();
    const mails = await smtp.waitForMessages(3, 30_000);
    await waitFor(async () => (await topics.read<{ outcome?: string }>('notifications')).filter((r) => r.outcome === 'delivered').length === 3, {
      message: 'three delivered records',
    });
    expect(countById(mails.map((m) => m.parsed.text ?? ''))).toEqual([1, 1, 1]);
    expect(smtp.messages).toHaveLength(3);
    expect(await topics.read('notificationsDlq')).toEqual([]);
  });

  it('delivers every Slack message exactly once through 500, then 429 with Retry-After, then 200', async () => {
    const slack = await startHttpSink({ responses: [500, { status: 429, headers: { 'retry-after': '1' } }] });
    const env = alerterTestEnv({ VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`, VIGIL_ROUTE_CRITICAL: 'slack' });
    const topics = await topicClient(env);
    const alerter = await startInProcessAlerter(env);
    cleanup.push(() => slack.stop(), () => topics.close(), () => alerter.stop());

    await topics.publish(alerts);
    await slack.waitForRequests(5, 30_000);
    await waitFor(async () => (await topics.read<{ outcome?: string }>('notifications')).filter((r) => r.outcome === 'delivered').length === 3, {
      message: 'three delivered records',
    });
    expect(slack.requests.map((r) => r.answeredWith)).toEqual([500, { status: 429, headers: { 'retry-after': '1' } }, 200, 200, 200]);
    const accepted = slack.requests.filter((r) => r.answeredWith === 200).map((r) => r.body);
    expect(countById(accepted)).toEqual([1, 1, 1]);
    const records = await topics.read<{ outcome?: string; attempts?: number; alertId?: string }>('notifications');
    expect(records.find((r) => r.outcome === 'delivered' && r.alertId === 'an-fault-a')?.attempts).toBe(3);
  });
});
