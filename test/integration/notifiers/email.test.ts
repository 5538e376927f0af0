// Email through nodemailer to a real local SMTP server; mails are parsed back with mailparser.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailNotifier, hostileNotification, HOSTILE_STRINGS, sampleAnomaly, sampleNotification } from '@vigil/notifiers';
import type { Notifier } from '@vigil/notifiers';
import { startSmtpSink } from '../../support/smtp-sink';
import type { SmtpSink } from '../../support/smtp-sink';

const LOGIN = { user: 'vigil', pass: 'p@ss:word/42' };
// The sink's STARTTLS certificate is smtp-server's self-signed one.
const SELF_SIGNED = { rejectUnauthorized: false };

describe('email notifier against a real SMTP server', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(options: Parameters<typeof startSmtpSink>[0] = {}, notifierOptions: Partial<Parameters<typeof createEmailNotifier>[0]> = {}): Promise<{ sink: SmtpSink; notifier: Notifier }> {
    const sink = await startSmtpSink(options);
    cleanups.push(() => sink.stop());
    const notifier = createEmailNotifier({
      smtpUrl: sink.url(options.auth),
      from: 'Vigil <vigil@example.com>',
      to: ['oncall@example.com', 'security@example.com'],
      timeoutMs: 2000,
      ...notifierOptions,
    });
    cleanups.push(async () => notifier.close?.());
    return { sink, notifier };
  }

  it('logs in after STARTTLS and delivers a subject with severity and entity, and HTML and text bodies with the same facts', async () => {
    const { sink, notifier } = await setUp({ auth: LOGIN, starttls: true }, { tls: SELF_SIGNED });
    expect(await notifier.send(sampleNotification())).toEqual({ ok: true });
    const [mail] = await sink.waitForMessages(1);
    expect(mail?.user).toBe('vigil');
    expect(sink.commands.indexOf('STARTTLS')).toBeGreaterThanOrEqual(0);
    expect(sink.commands.indexOf('STARTTLS')).toBeLessThan(sink.commands.indexOf('AUTH'));
    expect(mail?.envelope.to).toEqual(['oncall@example.com', 'security@example.com']);
    expect(mail?.parsed.subject).toBe('[Vigil CRITICAL] traffic-spike on client 1.2.3.4');
    const html = String(mail?.parsed.html);
    const text = mail?.parsed.text ?? '';
    for (const fact of ['1,240 requests', '85.5', '0.97', 'POST /login (1100)', 'an-7f3c2a91', '2025-01-15T09:30:00.000Z', '▁']) {
      expect(html).toContain(fact);
      expect(text).toContain(fact);
    }
  });

  it('escapes the hostile path and user agent in HTML and keeps them out of the headers', async () => {
    const { sink, notifier } = await setUp();
    expect(await notifier.send(hostileNotification())).toEqual({ ok: true });
    const [mail] = await sink.waitForMessages(1);
    const html = String(mail?.parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).toContain('/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;!channel&gt;');
    expect(mail?.parsed.text).toContain(HOSTILE_STRINGS.path);
    expect(mail?.parsed.subject).not.toMatch(/[\r\n]/);
    expect(mail?.parsed.headers.has('bcc')).toBe(false);
    expect(mail?.envelope.to).toEqual(['oncall@example.com', 'security@example.com']);
  });

  it('gives a resend of the same notification the same Message-ID so mail systems can drop the duplicate', async () => {
    const { sink, notifier } = await setUp();
    await notifier.send(sampleNotification());
    await notifier.send(sampleNotification());
    await notifier.send(sampleNotification({ kind: 'resolved', idempotencyKey: 'an-7f3c2a91:resolved', anomaly: sampleAnomaly({ state: 'resolved' }) }));
    const [first, resend, resolved] = await sink.waitForMessages(3);
    expect(first?.parsed.messageId).toBe(resend?.parsed.messageId);
    expect(resolved?.parsed.messageId).not.toBe(first?.parsed.messageId);
    expect(resolved?.parsed.subject).toBe('[Vigil RESOLVED] traffic-spike on client 1.2.3.4');
  });

  it('delivers to the recipients the server took and names the ones it refused', async () => {
    const { sink, notifier } = await setUp({ unknownRecipients: ['security@example.com'] });
    const outcome = await notifier.send(sampleNotification());
    expect(outcome).toEqual({
      ok: true,
      warning: 'SMTP server refused 1 of 2 recipients, which did not get the mail: security@example.com (550 5.1.1 <security@example.com>: no such user)',
    });
    const [mail] = await sink.waitForMessages(1);
    expect(mail?.envelope.to).toEqual(['oncall@example.com']);
  });

  it('fails for good when the server refuses every recipient, naming them', async () => {
    const { sink, notifier } = await setUp({ unknownRecipients: ['oncall@example.com', 'security@example.com'] });
    const outcome = await notifier.send(sampleNotification());
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok ? '' : outcome.reason).toBe(
      'SMTP server refused every recipient: oncall@example.com (550 5.1.1 <oncall@example.com>: no such user), security@example.com (550 5.1.1 <security@example.com>: no such user)',
    );
    expect(sink.messages).toEqual([]);
  });

  it('reports SMTP down as retryable and delivers once it is back on the same port', async () => {
    const { sink, notifier } = await setUp({ auth: LOGIN, starttls: true }, { tls: SELF_SIGNED });
    await sink.stop();
    const down = await notifier.send(sampleNotification());
    expect(down).toMatchObject({ ok: false, retryable: true });
    // Nothing answered: the reason says where the server was looked for.
    expect(down.ok === false && down.reason).toMatch(/ECONNREFUSED\) at 127\.0\.0\.1:\d+$/);
    await sink.start();
    expect(await notifier.send(sampleNotification())).toEqual({ ok: true });
    await sink.waitForMessages(1);
    expect(sink.messages).toHaveLength(1);
  });

  it('retries a 4xx reply and gives up on a 5xx reply', async () => {
    const { sink, notifier } = await setUp();
    sink.rejectNext({ code: 452, message: 'Insufficient system storage' }, { code: 554, message: 'Transaction failed' });
    expect(await notifier.send(sampleNotification())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('SMTP 452') });
    expect(await notifier.send(sampleNotification())).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('SMTP 554') });
  });

  it('does not retry a wrong password and never names it in the reason', async () => {
    const sink = await startSmtpSink({ auth: LOGIN, starttls: true });
    cleanups.push(() => sink.stop());
    const wrong = { user: 'vigil', pass: 'wrong-Secret-99' };
    const notifier = createEmailNotifier({ smtpUrl: sink.url(wrong), from: 'vigil@example.com', to: ['oncall@example.com'], timeoutMs: 2000, tls: SELF_SIGNED });
    cleanups.push(async () => notifier.close?.());
    const outcome = await notifier.send(sampleNotification());
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(JSON.stringify(outcome)).not.toContain('wrong-Secret-99');
    expect(sink.messages).toHaveLength(0);
  });

  it('never sends the login to a server that does not offer STARTTLS, and says what to do', async () => {
    const { sink, notifier } = await setUp({ auth: LOGIN });
    const outcome = await notifier.send(sampleNotification());
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    const reason = outcome.ok ? '' : outcome.reason;
    expect(reason).toMatch(/did not upgrade to TLS, so neither the login nor the mail was sent/);
    expect(reason).toMatch(/Use smtps:\/\//);
    expect(reason).toContain('VIGIL_SMTP_ALLOW_PLAINTEXT_AUTH=on');
    expect(reason).not.toContain(LOGIN.pass);
    expect(sink.commands).toContain('STARTTLS');
    expect(sink.commands).not.toContain('AUTH');
    expect(sink.messages).toHaveLength(0);
  });

  it('keeps to STARTTLS when the URL asks nodemailer to drop it', async () => {
    const sink = await startSmtpSink({ auth: LOGIN });
    cleanups.push(() => sink.stop());
    const notifier = createEmailNotifier({ smtpUrl: `${sink.url(LOGIN)}?requireTLS=false`, from: 'vigil@example.com', to: ['oncall@example.com'], timeoutMs: 2000 });
    cleanups.push(async () => notifier.close?.());
    expect(await notifier.send(sampleNotification())).toMatchObject({ ok: false, retryable: false });
    expect(sink.commands).not.toContain('AUTH');
  });

  it('sends the login in clear to a relay without STARTTLS only when that is explicitly allowed', async () => {
    const { sink, notifier } = await setUp({ auth: LOGIN }, { tls: { allowPlaintextAuth: true } });
    expect(await notifier.send(sampleNotification())).toEqual({ ok: true });
    const [mail] = await sink.waitForMessages(1);
    expect(mail?.user).toBe('vigil');
  });

  it('still delivers without a login to a relay that does not offer STARTTLS', async () => {
    const { sink, notifier } = await setUp();
    expect(await notifier.send(sampleNotification())).toEqual({ ok: true });
    await sink.waitForMessages(1);
    expect(sink.commands).not.toContain('STARTTLS');
  });

  it('upgrades with STARTTLS when the server offers it', async () => {
    const { sink, notifier } = await setUp({ starttls: true }, { tls: { rejectUnauthorized: false, requireTls: true } });
    expect(await notifier.send(sampleNotification())).toEqual({ ok: true });
    await sink.waitForMessages(1);
  });

  it('refuses to send in clear text when TLS is required and the server cannot upgrade', async () => {
    const { sink, notifier } = await setUp({}, { tls: { requireTls: true } });
    expect(await notifier.send(sampleNotification())).toMatchObject({ ok: false, retryable: false });
    expect(sink.messages).toHaveLength(0);
  });

  it('refuses a server certificate it cannot verify', async () => {
    const { sink, notifier } = await setUp({ starttls: true });
    expect(await notifier.send(sampleNotification())).toMatchObject({ ok: false, retryable: false });
    expect(sink.messages).toHaveLength(0);
  });
});
