// Renders a notification as the webhook's versioned JSON body and signs it. Pure: the send time is
// a parameter. JSON carries untrusted strings as data; receivers that display them must escape them.
import { createHmac } from 'node:crypto';
import { buildAlertView } from '../content/alert-view';
import { headline } from '../content/plain-text-report';
import type { Notification } from '../notification';

export const WEBHOOK_BODY_VERSION = 1;

export interface WebhookBody {
  version: typeof WEBHOOK_BODY_VERSION;
  kind: Notification['kind'];
  groupKey: string;
  idempotencyKey: string;
  groupSize: number;
  /** ISO time of sending; inside the signed body so a receiver can reject replays of old posts. */
  sentAt: string;
  /** One line for receivers that only show text, e.g. `[Vigil CRITICAL] traffic-spike on client 1.2.3.4`. */
  headline: string;
  anomaly: Notification['anomaly'];
  suppressed?: Notification['anomaly'][];
  /** The other alerts of this incident (correlation), each its latest anomaly. */
  related?: Notification['anomaly'][];
}

export function renderWebhookBody(notification: Notification, sentAtMs: number): string {
  const body: WebhookBody = {
    version: WEBHOOK_BODY_VERSION,
    kind: notification.kind,
    groupKey: notification.groupKey,
    idempotencyKey: notification.idempotencyKey,
    groupSize: notification.groupSize,
    sentAt: new Date(sentAtMs).toISOString(),
    headline: headline(buildAlertView(notification)),
    anomaly: notification.anomaly,
    ...(notification.suppressed === undefined ? {} : { suppressed: notification.suppressed }),
    ...(notification.related === undefined || notification.related.length === 0 ? {} : { related: notification.related }),
  };
  return JSON.stringify(body);
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the value of X-Vigil-Signature. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
