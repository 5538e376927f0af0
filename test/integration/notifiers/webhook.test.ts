// The generic webhook against a local receiver: signed JSON a receiver can verify.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, createWebhookNotifier, hostileNotification, sampleNotification } from '@vigil/notifiers';
import type { WebhookBody } from '@vigil/notifiers';
import { startHttpSink } from '../../support/http-sink';
import type { HttpSink } from '../../support/http-sink';

const SECRET = 'receiver-shared-secret';
const SENT_AT = Date.UTC(2025, 0, 15, 9, 31, 5, 250);

describe('webhook notifier against a local receiver', () => {
  let receiver: HttpSink;

  beforeEach(async () => {
    receiver = await startHttpSink();
  });

  afterEach(async () => {
    await receiver.stop();
  });

  it('posts versioned JSON with a signature the receiver can verify over the raw body', async () => {
    const notifier = createWebhookNotifier({ url: `${receiver.url}/vigil`, secret: SECRET, now: () => SENT_AT });
    const notification = sampleNotification();
    expect(await notifier.send(notification)).toEqual({ ok: true });
    const [request] = await receiver.waitForRequests(1);
    const expected = `sha256=${createHmac('sha256', SECRET).update(request!.body).digest('hex')}`;
    expect(request?.headers['x-vigil-signature']).toBe(expected);
    expect(request?.headers['x-vigil-timestamp']).toBe(String(Math.floor(SENT_AT / 1000)));
    expect(request?.headers['idempotency-key']).toBe(notification.idempotencyKey);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = request!.json<WebhookBody>();
    expect(body).toMatchObject({ version: 1, kind: 'firing', groupKey: notification.groupKey, sentAt: '2025-01-15T09:31:05.250Z' });
    expect(body.anomaly).toEqual(notification.anomaly);
  });

  it('carries hostile strings as exact JSON data', async () => {
    const notifier = createWebhookNotifier({ url: receiver.url, secret: SECRET });
    await notifier.send(hostileNotification());
    const [request] = await receiver.waitForRequests(1);
    const body = request!.json<WebhookBody>();
    expect(body.anomaly.evidence.topRoutes[0]?.key).toBe(`GET ${HOSTILE_STRINGS.path}`);
    expect(body.anomaly.evidence.topClients.map((client) => client.key)).toContain(HOSTILE_STRINGS.userAgent);
  });

  it('sends no signature header when no secret is configured', async () => {
    await createWebhookNotifier({ url: receiver.url }).send(sampleNotification());
    const [request] = await receiver.waitForRequests(1);
    expect(request?.headers['x-vigil-signature']).toBeUndefined();
  });

  it('does not follow a redirect, which could forward the signed body elsewhere', async () => {
    receiver.respondWith({ status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const outcome = await createWebhookNotifier({ url: receiver.url, secret: SECRET }).send(sampleNotification());
    expect(outcome).toEqual({ ok: false, retryable: false, reason: 'HTTP 307' });
    expect(receiver.requests).toHaveLength(1);
  });
});
