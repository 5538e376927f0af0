// POSTs alerts to Alertmanager's v2 API, so teams that already route alerts there can plug Vigil in.
import { postJson } from '../delivery/post-json';
import { redactSecrets, secretPartsOfUrl } from '../delivery/redact-secrets';
import { DEFAULT_TIMEOUT_MS } from '../notification';
import type { Notification, Notifier, NotifyResult } from '../notification';
import { renderAlertmanager } from './render-alertmanager';

export interface AlertmanagerNotifierOptions {
  /** Base URL of Alertmanager, e.g. http://alertmanager:9093 (a path prefix is kept). */
  url: string;
  timeoutMs?: number;
  /** Link back to Vigil shown by Alertmanager as the alert's source. */
  generatorUrl?: string;
  now?: () => number;
}

export function alertsEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return url.toString();
}

export function createAlertmanagerNotifier(options: AlertmanagerNotifierOptions): Notifier {
  const endpoint = alertsEndpoint(options.url);
  const secrets = secretPartsOfUrl(options.url);

  async function send(notification: Notification): Promise<NotifyResult> {
    const outcome = await postJson({
      url: endpoint,
      body: JSON.stringify(renderAlertmanager(notification, options.generatorUrl)),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      now: options.now ?? Date.now,
    });
    return outcome.ok ? outcome : { ...outcome, reason: redactSecrets(outcome.reason, secrets) };
  }

  return { channel: 'alertmanager', send };
}
