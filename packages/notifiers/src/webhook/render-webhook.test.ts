import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, hostileNotification, sampleAnomaly, sampleNotification } from '../sample-notification';
import { renderWebhookBody, signWebhookBody } from './render-webhook';

const SENT_AT = Date.UTC(2025, 0, 15, 9, 31, 0);

describe('renderWebhookBody', () => {
  it('is versioned JSON with kind, group key, idempotency key, send time and the anomaly', () => {
    const notification = sampleNotification();
    expect(JSON.parse(renderWebhookBody(notification, SENT_AT))).toEqual({
      version: 1,
      kind: 'firing',
      groupKey: notification.groupKey,
      idempotencyKey: notification.idempotencyKey,
      groupSize: 1,
      sentAt: '2025-01-15T09:31:00.000Z',
      headline: '[Vigil CRITICAL] traffic-spike on client 1.2.3.4',
      anomaly: notification.anomaly,
    });
  });

  it('carries the related alerts of a correlated incident, and no related field without them', () => {
    const related = [sampleAnomaly({ id: 'r', entity: { kind: 'route', key: 'POST /login' } })];
    expect(JSON.parse(renderWebhookBody(sampleNotification({ kind: 'updated', related }), SENT_AT)).related).toEqual(related);
    expect(JSON.parse(renderWebhookBody(sampleNotification(), SENT_AT))).not.toHaveProperty('related');
  });

  it('carries hostile strings as exact data', () => {
    const body = JSON.parse(renderWebhookBody(hostileNotification(), SENT_AT));
    expect(body.anomaly.evidence.topRoutes[0].key).toBe(`GET ${HOSTILE_STRINGS.path}`);
    expect(body.anomaly.entity.key).toBe(HOSTILE_STRINGS.clientId);
  });

  it('signs the exact body bytes with HMAC-SHA256', () => {
    const body = renderWebhookBody(sampleNotification(), SENT_AT);
    const expected = createHmac('sha256', 'shh').update(body).digest('hex');
    expect(signWebhookBody('shh', body)).toBe(`sha256=${expected}`);
  });
});
