import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './email-notifier';

function smtpError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('smtp'), fields);
}

describe('classifySmtpError', () => {
  it('retries a 4xx SMTP reply', () => {
    expect(classifySmtpError(smtpError({ responseCode: 451, response: '451 try later' }))).toMatchObject({ ok: false, retryable: true });
  });

  it('gives up on a permanent 5xx SMTP reply but retries 503', () => {
    expect(classifySmtpError(smtpError({ responseCode: 550, response: '550 no such user' }))).toMatchObject({ retryable: false, reason: 'SMTP 550 550 no such user' });
    expect(classifySmtpError(smtpError({ responseCode: 503 }))).toMatchObject({ retryable: true });
  });

  it('retries a refused connection and a timeout', () => {
    expect(classifySmtpError(smtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }))).toEqual({ ok: false, retryable: true, reason: 'SMTP ESOCKET (ECONNREFUSED)' });
    expect(classifySmtpError(smtpError({ code: 'ETIMEDOUT' }))).toMatchObject({ retryable: true });
  });

  it('says a refused STARTTLS sent nothing and what to do, without the server text', () => {
    const outcome = classifySmtpError(smtpError({ code: 'ETLS', command: 'STARTTLS', responseCode: 502, response: '502 5.5.1 nope <script>' }));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok ? '' : outcome.reason).toMatch(/^SMTP 502 to STARTTLS: the server did not upgrade to TLS, so neither the login nor the mail was sent\. Use smtps:\/\//);
    expect(outcome.ok ? '' : outcome.reason).not.toContain('<script>');
    expect(classifySmtpError(smtpError({ code: 'ETLS', command: 'STARTTLS', responseCode: 454 }))).toMatchObject({ retryable: true });
  });

  it('does not retry missing credentials or a failed TLS check', () => {
    expect(classifySmtpError(smtpError({ code: 'ENOAUTH' }))).toMatchObject({ retryable: false });
    expect(classifySmtpError(smtpError({ code: 'ETLS' }))).toMatchObject({ retryable: false });
    expect(classifySmtpError(smtpError({ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toMatchObject({ retryable: false });
  });
});
