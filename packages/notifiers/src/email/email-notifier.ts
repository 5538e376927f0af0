// Sends the rendered email over SMTP with nodemailer and turns every failure into a NotifyResult.
// smtps:// is TLS from the first byte; smtp:// with a login must upgrade with STARTTLS before the
// login is sent, and without one upgrades when offered. Credentials never appear in a reason.
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
  /** Refuse to send even without a login unless the server upgrades with STARTTLS (smtp:// only). */
  requireTls?: boolean;
  /**
   * Send the login of an smtp:// URL even when the server does not upgrade with STARTTLS, so the
   * password crosses the network in clear. Only for a trusted relay on this host or network.
   */
  allowPlaintextAuth?: boolean;
}

export interface EmailNotifierOptions {
  /** smtp://user:pass@host:587 (STARTTLS required for the login) or smtps://user:pass@host:465 (TLS). */
  smtpUrl: string;
  from: string;
  to: string[];
  tls?: EmailTlsOptions;
  timeoutMs?: number;
}

// Failures that the same message and configuration would meet again.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'ETLS', 'EREQUIRETLS', 'EMESSAGE']);

/** Says what happened (nothing was sent in clear) and what to do; the server's text is left out. */
function startTlsRefusal(responseCode: number): string {
  return (
    `SMTP ${responseCode} to STARTTLS: the server did not upgrade to TLS, so neither the login nor the mail was sent. ` +
    'Use smtps:// (TLS from the start, usually port 465), or enable STARTTLS on the server; for a trusted local relay ' +
    'only, VIGIL_SMTP_ALLOW_PLAINTEXT_AUTH=on sends the password in clear'
  );
}

/**
 * Whether the session must upgrade with STARTTLS before anything is sent: always when asked, and
 * whenever an smtp:// URL carries a login, unless plaintext logins were explicitly allowed.
 */
function mustStartTls(smtpUrl: URL, tls: EmailTlsOptions | undefined): boolean {
  if (smtpUrl.protocol !== 'smtp:') return false;
  const hasLogin = smtpUrl.username !== '' || smtpUrl.password !== '';
  return tls?.requireTls === true || (hasLogin && tls?.allowPlaintextAuth !== true);
}

/** nodemailer lets the URL's query override transport options; the policy must not be undone by `?requireTLS=false`. */
function withStartTlsRequired(smtpUrl: URL): string {
  const url = new URL(smtpUrl.href);
  url.searchParams.set('requireTLS', 'true');
  return url.href;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** A recipient the server refused at RCPT TO, as nodemailer reports it. */
interface RecipientRefusal {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

/** `oncall@example.com (550 5.1.1 no such user)`, the server's text cleaned and capped. */
function describeRefusals(refusals: readonly RecipientRefusal[]): string {
  return refusals
    .map(({ recipient, response, responseCode }) => {
      const reply = typeof response === 'string' ? truncate(escapeControlChars(response), 100) : String(responseCode ?? 'refused');
      return `${escapeControlChars(String(recipient))} (${reply})`;
    })
    .join(', ');
}

/**
 * Every recipient refused: nothing was sent. Worth a retry only when some refusal was temporary
 * (4xx); the same recipients would be refused again otherwise.
 */
function allRecipientsRefused(refusals: readonly RecipientRefusal[]): NotifyResult {
  const retryable = refusals.some(({ responseCode }) => typeof responseCode === 'number' && responseCode < 500);
  return { ok: false, retryable, reason: `SMTP server refused every recipient: ${describeRefusals(refusals)}` };
}

/**
 * Some recipients refused, the others got the mail. It counts as delivered (a retry would send
 * the mail again to those who have it) with a warning naming the refused ones.
 */
function someRecipientsRefused(refusals: readonly RecipientRefusal[], total: number): NotifyResult {
  if (refusals.length === 0) return { ok: true };
  return { ok: true, warning: `SMTP server refused ${refusals.length} of ${total} recipients, which did not get the mail: ${describeRefusals(refusals)}` };
}

/**
 * Classifies by SMTP reply when there is one (5xx permanent except 503, 4xx transient), else by
 * error code: connection trouble and timeouts are transient, bad credentials, TLS and envelope
 * problems are not.
 */
export function classifySmtpError(error: NodemailerError): NotifyResult {
  const refusals = (error as { rejectedErrors?: unknown }).rejectedErrors;
  if (error.command === 'RCPT TO' && Array.isArray(refusals) && refusals.length > 0) return allRecipientsRefused(refusals as RecipientRefusal[]);
  if (error.command === 'STARTTLS' && typeof error.responseCode === 'number') {
    return { ok: false, retryable: error.responseCode < 500, reason: startTlsRefusal(error.responseCode) };
  }
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
  const smtpUrl = new URL(options.smtpUrl);
  const requireTls = mustStartTls(smtpUrl, options.tls);
  // nodemailer's default ports: 465 for smtps:, else 587.
  const serverAddress = `${smtpUrl.hostname}:${smtpUrl.port || (smtpUrl.protocol === 'smtps:' ? 465 : 587)}`;
  const transporter = nodemailer.createTransport({
    url: requireTls ? withStartTlsRequired(smtpUrl) : options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    requireTLS: requireTls,
    tls: {
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
    },
  });
  const secrets = secretPartsOfUrl(options.smtpUrl);

  async function send(notification: Notification): Promise<NotifyResult> {
    const content = renderEmail(notification);
    try {
      const info = await transporter.sendMail({
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
      const outcome = someRecipientsRefused((info as { rejectedErrors?: RecipientRefusal[] }).rejectedErrors ?? [], options.to.length);
      return outcome.ok && outcome.warning !== undefined ? { ...outcome, warning: redactSecrets(outcome.warning, secrets) } : outcome;
    } catch (error) {
      const outcome = classifySmtpError(error as NodemailerError);
      if (outcome.ok) return outcome;
      // A server that answered is named by its reply; one that did not, by where it was looked for.
      const where = typeof (error as NodemailerError).responseCode === 'number' ? '' : ` at ${serverAddress}`;
      return { ...outcome, reason: redactSecrets(`${outcome.reason}${where}`, secrets) };
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
