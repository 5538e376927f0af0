// Sends the rendered message through Slack's incoming webhook client and turns every failure into a
// NotifyResult. The webhook URL is a bearer secret: it never appears in a reason.
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { FetchFunction } from '@slack/webhook';
import { escapeControlChars, truncate } from '../content/plain-text';
import { outcomeFromRequestError, outcomeFromStatus } from '../delivery/http-outcome';
import { redactSecrets, secretPartsOfUrl } from '../delivery/redact-secrets';
import { DEFAULT_TIMEOUT_MS } from '../notification';
import type { Notification, Notifier, NotifyResult } from '../notification';
import { renderSlack } from './render-slack';

export interface SlackNotifierOptions {
  webhookUrl: string;
  timeoutMs?: number;
  /** Clock for Retry-After given as an HTTP date. */
  now?: () => number;
}

/** Slack answers errors with a short code such as `no_service` or `invalid_payload`; worth keeping. */
function slackErrorBody(body: string): string {
  const trimmed = truncate(escapeControlChars(body.trim()), 100);
  return trimmed.length === 0 ? '' : `: ${trimmed}`;
}

export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const secrets = secretPartsOfUrl(options.webhookUrl);
  const now = options.now ?? Date.now;

  async function send(notification: Notification): Promise<NotifyResult> {
    // The client's HTTP error carries status and body but not headers; a fetch wrapper keeps the
    // Retry-After of this one request (one client per send, so concurrent sends never mix them up).
    let retryAfter: string | null = null;
    const fetchKeepingRetryAfter: FetchFunction = async (url, init) => {
      const response = await fetch(url, init);
      retryAfter = response.headers.get('retry-after');
      return response;
    };
    const webhook = new IncomingWebhook(options.webhookUrl, {
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: fetchKeepingRetryAfter,
    });
    try {
      await webhook.send(renderSlack(notification));
      return { ok: true };
    } catch (error) {
      return redactOutcome(classifySlackError(error, retryAfter, now()), secrets);
    }
  }

  return { channel: 'slack', send };
}

function classifySlackError(error: unknown, retryAfter: string | null, nowMs: number): NotifyResult {
  if (error instanceof IncomingWebhookHTTPError) {
    const outcome = outcomeFromStatus(error.statusCode, retryAfter, nowMs);
    return outcome.ok ? outcome : { ...outcome, reason: `${outcome.reason}${slackErrorBody(error.body)}` };
  }
  if (error instanceof IncomingWebhookRequestError) return outcomeFromRequestError(error.original);
  return outcomeFromRequestError(error);
}

function redactOutcome(outcome: NotifyResult, secrets: readonly string[]): NotifyResult {
  return outcome.ok ? outcome : { ...outcome, reason: redactSecrets(outcome.reason, secrets) };
}
