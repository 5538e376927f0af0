// Sends the rendered email over SMTP with nodemailer and turns every failure into a NotifyResult.
// smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS from the first byte;
// credentials ride in the URL and never appear in a reason.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';
import { escapeControlChars, stripControlChars, truncate } from '../content/plain-text';
import { redactSecrets, secretPartsOfUrl } from '../delivery/redact-secrets';
import { isTlsVerificationFailure } from '../delivery/tls-failure';
import { DEFAULT_TIMEOUT_MS } from '../notification';
import type { Notification, Notifier, NotifyResult } from '../notification';
import { renderEmail } from './render-email';

export interface EmailTlsOptions {
  /** PEM CA bundle for a server with a private CA. */
  ca?: string;
  /** Defaults to true; turn off only for a test server with a self-signed certificate. */
  rejectUnauthorized?: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS (smtp:// only). */
  requireTls?: boolean;
}

export interface EmailNotifierOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (TLS). */
  smtpUrl: string;
  from: string;
  to: string[];
  tls?: EmailTlsOptions;
  timeoutMs?: number;
}

// Failures that the same message and configuration would meet again.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'ETLS', 'EREQUIRETLS', 'EMESSAGE']);

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Classifies by SMTP reply when there is one (5xx permanent except 503, 4xx transient), else by
 * error code: connection trouble and timeouts are transient, bad credentials, TLS and envelope
 * problems are not.
 */
export function classifySmtpError(error: NodemailerError): NotifyResult {
  if (typeof error.responseCode === 'number') {
    const permanent = error.responseCode >= 500 && error.responseCode < 600 && error.responseCode !== 503;
    const serverText = typeof error.response === 'string' ? ` ${truncate(escapeControlChars(error.response), 200)}` : '';
    return { ok: false, retryable: !permanent, reason: `SMTP ${error.responseCode}${serverText}` };
  }
  const code = typeof error.code === 'string' ? error.code : 'unknown';
  const originalCode = typeof error.originalCode === 'string' ? error.originalCode : undefined;
  const retryable = !PERMANENT_CODES.has(code) && !isTlsVerificationFailure(originalCode);
  return { ok: false, retryable, reason: `SMTP ${code}${originalCode === undefined ? '' : ` (${originalCode})`}` };
}

export function createEmailNotifier(options: EmailNotifierOptions): Notifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    requireTLS: options.tls?.requireTls ?? false,
    tls: {
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
    },
  });
  const secrets = secretPartsOfUrl(options.smtpUrl);

  async function send(notification: Notification): Promise<NotifyResult> {
    const content = renderEmail(notification);
    try {
      await transporter.sendMail({
        from: options.from,
        to: options.to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        // A Message-ID derived from the idempotency key lets mail systems drop a duplicate resend;
        // a shared reference threads every message of one alert group together.
        messageId: `<${digest(notification.idempotencyKey)}@vigil.invalid>`,
        references: `<${digest(notification.groupKey)}@vigil.invalid>`,
        headers: { 'X-Vigil-Anomaly-Id': stripControlChars(notification.anomaly.id) },
      });
      return { ok: true };
    } catch (error) {
      const outcome = classifySmtpError(error as NodemailerError);
      return outcome.ok ? outcome : { ...outcome, reason: redactSecrets(outcome.reason, secrets) };
    }
  }

  return {
    channel: 'email',
    send,
    async close() {
      transporter.close();
    },
  };
}
