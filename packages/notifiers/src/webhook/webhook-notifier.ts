// POSTs the signed JSON body to a configured URL. The signing secret and the URL (which may carry a
// token) never appear in a reason.
import { createHash } from 'node:crypto';
import { postJson } from '../delivery/post-json';
import { redactSecrets, secretPartsOfUrl } from '../delivery/redact-secrets';
import { DEFAULT_TIMEOUT_MS } from '../notification';
import type { Notification, Notifier, NotifyResult } from '../notification';
import { renderWebhookBody, signWebhookBody } from './render-webhook';

export interface WebhookNotifierOptions {
  url: string;
  /** HMAC-SHA256 key for X-Vigil-Signature; without it posts are unsigned. */
  secret?: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Idempotency keys embed group keys, which embed client ids: a header value must be printable ASCII,
 * so any other key is sent as its digest (stable, so deduplication still works).
 */
export function idempotencyHeaderValue(key: string): string {
  return /^[\x21-\x7e]{1,200}$/.test(key) ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const now = options.now ?? Date.now;
  const secrets = [...secretPartsOfUrl(options.url), options.secret];

  async function send(notification: Notification): Promise<NotifyResult> {
    const sentAtMs = now();
    const body = renderWebhookBody(notification, sentAtMs);
    const outcome = await postJson({
      url: options.url,
      body,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      now,
      headers: {
        'x-vigil-timestamp': String(Math.floor(sentAtMs / 1000)),
        'idempotency-key': idempotencyHeaderValue(notification.idempotencyKey),
        ...(options.secret === undefined ? {} : { 'x-vigil-signature': signWebhookBody(options.secret, body) }),
      },
    });
    return outcome.ok ? outcome : { ...outcome, reason: redactSecrets(outcome.reason, secrets) };
  }

  return { channel: 'webhook', send };
}
