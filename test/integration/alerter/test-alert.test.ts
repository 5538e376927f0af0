// `vigil test-alert` against a real SMTP server and real HTTP servers: one sample alert per
// configured channel, each outcome reported, non-zero exit when any channel failed.

import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../packages/cli/src/commands/test-alert';
import { startHttpSink } from '../../support/http-sink';
import { startSmtpSink } from '../../support/smtp-sink';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function captured() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('vigil test-alert', () => {
  it('reports each channel and exits 1 when one of them fails', async () => {
    const slack = await startHttpSink();
    const webhook = await startHttpSink({ defaultResponse: 500 });
    const smtp = await startSmtpSink();
    cleanup.push(() => slack.stop(), () => webhook.stop(), () => smtp.stop());
    const stdout = captured();
    const stderr = captured();
    const code = await run([], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: {
        VIGIL_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/secret`,
        VIGIL_SMTP_URL: smtp.url(),
        VIGIL_EMAIL_TO: 'oncall@example.com',
        VIGIL_WEBHOOK_URL: `${webhook.url}/hook`,
      },
    });
    expect(code).toBe(1);
    expect(stdout.text()).toMatch(/slack: delivered/);
    expect(stdout.text()).toMatch(/email: delivered/);
    expect(stderr.text()).toMatch(/webhook: FAILED \(.*500.*\)/);
    expect(stdout.text()).toContain('2 of 3 channels delivered the test alert.');
    expect(slack.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect(`${stdout.text()}${stderr.text()}`).not.toContain('secret');
    // Plainly a test wherever it lands, so nobody on call acts on it.
    expect(smtp.messages[0]?.parsed.subject).toBe('[Vigil INFO] test-alert on service vigil-test-alert');
    expect(smtp.messages[0]?.parsed.text).toContain('Nothing is wrong; no action is needed.');
    expect(JSON.stringify(slack.requests[0]?.json())).toContain('Nothing is wrong; no action is needed.');
    expect(webhook.requests[0]?.json()).toMatchObject({ anomaly: { detector: 'test-alert', severity: 'info' } });
  });

  it('reports the recipients the SMTP server refused while the others got the test alert', async () => {
    const smtp = await startSmtpSink({ unknownRecipients: ['gone@example.com'] });
    cleanup.push(() => smtp.stop());
    const stdout = captured();
    const code = await run([], {
      stdout: stdout.stream,
      stderr: captured().stream,
      env: { VIGIL_SMTP_URL: smtp.url(), VIGIL_EMAIL_TO: 'oncall@example.com,gone@example.com' },
    });
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/email: delivered \(\d+ ms\); WARNING: SMTP server refused 1 of 2 recipients, which did not get the mail: gone@example.com \(550 /);
    expect(smtp.messages.map((m) => m.envelope.to)).toEqual([['oncall@example.com']]);
  });

  it('keeps an SMTP login off a server without STARTTLS unless VIGIL_SMTP_ALLOW_PLAINTEXT_AUTH is on', async () => {
    const login = { user: 'vigil', pass: 'smtpPassw0rd!42' };
    const smtp = await startSmtpSink({ auth: login });
    cleanup.push(() => smtp.stop());
    const env = { VIGIL_SMTP_URL: smtp.url(login), VIGIL_EMAIL_TO: 'oncall@example.com' };
    const refused = captured();
    expect(await run([], { stdout: captured().stream, stderr: refused.stream, env })).toBe(1);
    expect(refused.text()).toMatch(/email: FAILED \(SMTP \d+ to STARTTLS: the server did not upgrade to TLS.*Use smtps:\/\//);
    expect(refused.text()).not.toContain(login.pass);
    expect(smtp.commands).not.toContain('AUTH');
    const allowed = captured();
    expect(await run([], { stdout: allowed.stream, stderr: captured().stream, env: { ...env, VIGIL_SMTP_ALLOW_PLAINTEXT_AUTH: 'on' } })).toBe(0);
    expect(allowed.text()).toMatch(/email: delivered/);
    expect(smtp.messages[0]?.user).toBe('vigil');
  });

  it('exits 1 and says what to set when no channel is configured', async () => {
    const stderr = captured();
    expect(await run([], { stdout: captured().stream, stderr: stderr.stream, env: {} })).toBe(1);
    expect(stderr.text()).toMatch(/no channel is configured; set VIGIL_SLACK_WEBHOOK_URL/);
  });
});
