import { describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, hostileNotification, sampleAnomaly, sampleNotification } from '../sample-notification';
import { SUBJECT_MAX, emailSubject, escapeHtml, renderEmail } from './render-email';

describe('renderEmail', () => {
  it('puts severity, detector and entity in the subject', () => {
    expect(renderEmail(sampleNotification()).subject).toBe('[Vigil CRITICAL] traffic-spike on client 1.2.3.4');
    expect(renderEmail(sampleNotification({ kind: 'resolved' })).subject).toBe('[Vigil RESOLVED] traffic-spike on client 1.2.3.4');
    expect(renderEmail(sampleNotification({ kind: 'updated' })).subject).toBe('[Vigil CRITICAL] Update: traffic-spike on client 1.2.3.4');
  });

  it('strips CR, LF and control characters from the subject so no header can be injected', () => {
    const subject = renderEmail(hostileNotification()).subject;
    expect(subject).not.toMatch(/[\r\n\u0000-\u001f]/);
    expect(emailSubject('a\r\nBcc: x@example.com')).toBe('a Bcc: x@example.com');
  });

  it('caps the subject length', () => {
    expect(Array.from(emailSubject('x'.repeat(1000)))).toHaveLength(SUBJECT_MAX);
  });

  it('escapes every dynamic string in the HTML body', () => {
    const { html } = renderEmail(hostileNotification());
    expect(html).not.toContain('<script>');
    expect(html).toContain('/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;!channel&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('shows the same facts in the text body as in the HTML body', () => {
    const { html, text } = renderEmail(sampleNotification());
    for (const fact of ['1,240 requests', '85.5', '0.97', 'POST /login (1100)', 'an-7f3c2a91', '2025-01-15T09:30:10.000Z']) {
      expect(text).toContain(fact);
      expect(html).toContain(fact);
    }
  });

  it('lists the related alerts of a correlated incident with their summaries, in both bodies', () => {
    const related = [sampleAnomaly({ id: 'r', detector: 'auth-failure-surge', entity: { kind: 'route', key: 'POST /login', service: 'accounts' }, summary: 'route POST /login: 20 of 28 requests were 401/403' })];
    const { subject, html, text } = renderEmail(sampleNotification({ kind: 'updated', related }));
    expect(subject).toContain('and 1 related alert');
    for (const body of [text, html]) {
      expect(body).toContain('Also in this incident');
      expect(body).toContain('CRITICAL auth-failure-surge on route POST /login (accounts): route POST /login: 20 of 28 requests were 401/403');
    }
  });

  it('keeps hostile strings readable but inert in the text body', () => {
    const { text } = renderEmail(hostileNotification());
    expect(text).toContain(HOSTILE_STRINGS.path);
    expect(text).not.toContain('\u001b');
  });
});
