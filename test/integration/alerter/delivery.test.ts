// The alerter on the real broker with a real SMTP server and a real HTTP server standing in for
// Slack: anomalies in, messages out (content asserted), a resolution after the detector resolves.

import { afterEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '@vigil/contract';
import { sampleAnomaly } from '@vigil/notifiers';
import { startHttpSink, type HttpSink } from '../../support/http-sink';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, startInProcessAlerter, topicClient, type InProcessAlerter, type TopicClient } from './alerter-harness';

const HOSTILE_PATH = '/<script>alert(1)</script>';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(overrides: Record<string, string> = {}): Promise<{ slack: HttpSink; smtp: SmtpSink; topics: TopicClient; alerter: InProcessAlerter }> {
  const slack = await startHttpSink();
  const smtp = await startSmtpSink();
  const env = alerterTestEnv({
    VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
    VIGIL_SMTP_URL: smtp.url(),
    VIGIL_EMAIL_TO: 'oncall@example.com',
    VIGIL_EMAIL_FROM: 'vigil@example.com',
    VIGIL_ROUTE_CRITICAL: 'slack,email',
    VIGIL_ROUTE_WARNING: 'slack',
    ...overrides,
  });
  const topics = await topicClient(env);
  const alerter = await startInProcessAlerter(env);
  cleanup.push(() => slack.stop(), () => smtp.stop(), () => topics.close(), () => alerter.stop());
  return { slack, smtp, topics, alerter };
}

function anomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  return sampleAnomaly({
    id: 'an-delivery-1',
    entity: { kind: 'client', key: 'key-<!channel>', service: 'checkout-api' },
    evidence: { ...sampleAnomaly().evidence, topRoutes: [{ key: `GET ${HOSTILE_PATH}`, count: 900 }] },
    ...overrides,
  });
}

describe('alerter delivery (real Kafka, SMTP and HTTP)', () => {
  it('sends a critical anomaly to Slack and email, then a resolution when the detector resolves it', async () => {
    const { slack, smtp, topics } = await setup();
    await topics.publish([anomaly()]);

    const [firing] = await slack.waitForRequests(1, 30_000);
    const slackText = firing?.body ?? '';
    expect(slackText).toContain('an-delivery-1');
    expect(slackText).not.toContain('<!channel>');
    expect(slackText).not.toContain('<script>');
    const [mail] = await smtp.waitForMessages(1, 30_000);
    expect(mail?.envelope.to).toEqual(['oncall@example.com']);
    expect(mail?.parsed.subject).toMatch(/CRITICAL/);
    expect(mail?.parsed.html || '').not.toContain('<script>');
    expect(mail?.parsed.text).toContain('an-delivery-1');

    await topics.publish([anomaly({ state: 'resolved', severity: 'info' })]);
    const requests = await slack.waitForRequests(2, 30_000);
    expect(requests[1]?.body).toMatch(/Resolved/i);
    expect((await smtp.waitForMessages(2, 30_000))[1]?.parsed.subject).toMatch(/RESOLVED/);
  });

  it('sends one message for many firing buckets of the same incident', async () => {
    const { slack, topics } = await setup({ VIGIL_ROUTE_CRITICAL: 'slack' });
    const buckets = Array.from({ length: 20 }, (_, i) =>
      anomaly({ id: 'an-many', window: { start: 1_000_000 + i * 10_000, end: 1_010_000 + i * 10_000 } }),
    );
    await topics.publish(buckets);
    // A marker incident published after the buckets proves they were all processed.
    await topics.publish([anomaly({ id: 'an-marker', entity: { kind: 'client', key: 'marker' } })]);
    await waitFor(() => slack.requests.some((r) => r.body.includes('an-marker')), { message: 'the marker alert on Slack' });
    expect(slack.requests.filter((r) => r.body.includes('an-many'))).toHaveLength(1);
  });

  it('records every delivery on notifications.v1 and parks an invalid anomaly record', async () => {
    const { slack, topics } = await setup({ VIGIL_ROUTE_CRITICAL: 'slack' });
    const producer = await topics.transport.producer();
    await producer.send(topics.transport.topic('anomalies'), [{ key: 'bad', value: '{"v":1,"id":42}' }]);
    await producer.close();
    await topics.publish([anomaly()]);
    await slack.waitForRequests(1, 30_000);
    await waitFor(async () => (await topics.read<{ type: string; outcome: string; channel: string }>('notifications')).some((r) => r.type === 'delivery' && r.outcome === 'delivered' && r.channel === 'slack'), {
      message: 'a delivered record on notifications.v1',
    });
    const parked = await topics.read<{ type: string; error: string }>('notificationsDlq');
    expect(parked).toEqual([expect.objectContaining({ type: 'invalid-anomaly', error: expect.stringContaining('id') })]);
  });
});
