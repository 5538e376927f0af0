// The silence API on the real broker: admin token required, matching alerts muted, and the silence
// kept in silences.v1 so a restarted alerter still honours it.

import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '@vigil/contract';
import { sampleAnomaly } from '@vigil/notifiers';
import { kafkaBrokers } from '../../support/kafka';
import { startHttpSink, type HttpSink } from '../../support/http-sink';
import { waitFor } from '../../support/wait-for';
import { alerterTestEnv, startInProcessAlerter, topicClient } from './alerter-harness';

const TOKEN = 'adm-test-token-1';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function anomaly(id: string, entityKey: string): Anomaly {
  return sampleAnomaly({ id, entity: { kind: 'client', key: entityKey, service: 'checkout-api' } });
}

async function api(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Publishes the alerts then an unsilenced marker; once the marker is on Slack, the rest were processed. */
async function publishThenMarker(publish: (a: Anomaly[]) => Promise<void>, slack: HttpSink, alerts: Anomaly[], marker: string) {
  await publish([...alerts, anomaly(marker, `marker-${marker}`)]);
  await waitFor(() => slack.requests.some((r) => r.body.includes(marker)), { message: `marker ${marker} on Slack` });
}

async function groupsStartingWith(prefix: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'vigil-test-inspect', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

describe('silences (real Kafka)', () => {
  it('refuses the silence API without a valid admin token', async () => {
    const env = alerterTestEnv({ VIGIL_ADMIN_TOKENS: TOKEN });
    const topics = await topicClient(env);
    const alerter = await startInProcessAlerter(env);
    cleanup.push(() => topics.close(), () => alerter.stop());

    const silence = { matchers: { detector: 'traffic-spike' }, durationSeconds: 600 };
    expect((await api(alerter.url, 'POST', '/v1/silences', { body: silence })).status).toBe(401);
    expect((await api(alerter.url, 'POST', '/v1/silences', { body: silence, token: 'wrong' })).status).toBe(401);
    expect((await api(alerter.url, 'GET', '/v1/silences')).status).toBe(401);
    expect((await api(alerter.url, 'GET', '/v1/silences', { token: TOKEN })).body).toEqual({ silences: [] });
  });

  it('mutes matching alerts, keeps muting after a restart, and stops once deleted', async () => {
    const slack = await startHttpSink();
    const env = alerterTestEnv({ VIGIL_ADMIN_TOKENS: TOKEN, VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/hook`, VIGIL_ROUTE_CRITICAL: 'slack' });
    const topics = await topicClient(env);
    cleanup.push(() => slack.stop(), () => topics.close());
    let alerter = await startInProcessAlerter(env);

    const created = await api(alerter.url, 'POST', '/v1/silences', {
      token: TOKEN,
      body: { matchers: { entityKey: 'scanner-*' }, durationSeconds: 3600, comment: 'known pentest' },
    });
    expect(created.status).toBe(201);
    const id = (created.body.silence as { id: string }).id;

    await publishThenMarker(topics.publish, slack, [anomaly('an-muted-1', 'scanner-1')], 'an-marker-1');
    expect(slack.requests.some((r) => r.body.includes('an-muted-1'))).toBe(false);
    const audit = await topics.read<{ outcome?: string; silenceId?: string; alertId?: string }>('notifications');
    expect(audit).toContainEqual(expect.objectContaining({ outcome: 'silenced', silenceId: id, alertId: 'an-muted-1' }));

    await alerter.stop();
    alerter = await startInProcessAlerter(env);
    cleanup.push(() => alerter.stop());
    const listed = await api(alerter.url, 'GET', '/v1/silences', { token: TOKEN });
    expect((listed.body.silences as Array<{ id: string }>).map((s) => s.id)).toEqual([id]);
    await publishThenMarker(topics.publish, slack, [anomaly('an-muted-2', 'scanner-2')], 'an-marker-2');
    expect(slack.requests.some((r) => r.body.includes('an-muted-2'))).toBe(false);

    expect((await api(alerter.url, 'DELETE', `/v1/silences/${id}`, { token: TOKEN })).status).toBe(200);
    await topics.publish([anomaly('an-after-delete', 'scanner-3')]);
    await waitFor(() => slack.requests.some((r) => r.body.includes('an-after-delete')), { message: 'the alert after the silence was deleted' });
  });

  it('applies a silence on every instance and leaves no consumer group behind once they stop', async () => {
    const env = alerterTestEnv({ VIGIL_ADMIN_TOKENS: TOKEN, VIGIL_TOPIC_PARTITIONS: '3' });
    const topics = await topicClient(env);
    cleanup.push(() => topics.close());
    const instances = [await startInProcessAlerter(env), await startInProcessAlerter(env)];
    let stopped = false;
    cleanup.push(async () => {
      if (!stopped) await Promise.all(instances.map((instance) => instance.stop()));
    });
    const silenceGroups = `${env.VIGIL_ALERTER_GROUP}-silences`;

    const created = await api(instances[0]!.url, 'POST', '/v1/silences', { token: TOKEN, body: { matchers: { service: 'batch-*' }, durationSeconds: 600 } });
    const id = (created.body.silence as { id: string }).id;
    await waitFor(
      async () => ((await api(instances[1]!.url, 'GET', '/v1/silences', { token: TOKEN })).body.silences as Array<{ id: string }>).some((s) => s.id === id),
      { message: 'the silence created on one instance to reach the other' },
    );
    expect(await groupsStartingWith(silenceGroups)).toHaveLength(2);

    await Promise.all(instances.map((instance) => instance.stop()));
    stopped = true;
    expect(await groupsStartingWith(silenceGroups)).toEqual([]);
  });

  it('tombstones a deleted and an expired silence once each, and an alerter started afterwards holds neither', async () => {
    const env = alerterTestEnv({ VIGIL_ADMIN_TOKENS: TOKEN, VIGIL_TOPIC_PARTITIONS: '3' });
    const topics = await topicClient(env);
    cleanup.push(() => topics.close());
    const instances = [await startInProcessAlerter(env), await startInProcessAlerter(env)];
    cleanup.push(() => Promise.all(instances.map((instance) => instance.stop())).then(() => undefined));
    const create = async (durationSeconds: number) =>
      ((await api(instances[0]!.url, 'POST', '/v1/silences', { token: TOKEN, body: { matchers: { service: 'batch-*' }, durationSeconds } })).body.silence as { id: string }).id;
    const deleted = await create(600);
    const expiring = await create(1);
    const kept = await create(600);
    expect((await api(instances[1]!.url, 'DELETE', `/v1/silences/${deleted}`, { token: TOKEN })).status).toBe(200);

    const records = async () => (await topics.transport.readAll(topics.transport.topic('silences'))).map((r) => ({ key: r.key, tombstone: r.tombstone === true }));
    await waitFor(async () => (await records()).filter((r) => r.tombstone).length === 2, { message: 'tombstones of the deleted and the expired silence' });
    // Both instances tick on (every 100 ms) past another silence's expiry: neither tombstones a silence twice.
    const marker = await create(1);
    await waitFor(async () => (await records()).some((r) => r.tombstone && r.key === marker), { message: 'the later silence tombstoned' });
    const tombstoned = (await records()).filter((r) => r.tombstone).map((r) => r.key);
    expect(tombstoned.sort()).toEqual([deleted, expiring, marker].sort());

    const later = await startInProcessAlerter(env);
    cleanup.push(() => later.stop());
    const listed = await api(later.url, 'GET', '/v1/silences', { token: TOKEN });
    expect((listed.body.silences as Array<{ id: string }>).map((s) => s.id)).toEqual([kept]);
  });
});
