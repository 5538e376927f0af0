import { describe, expect, it } from 'vitest';
import { redactSecrets, secretPartsOfUrl } from './redact-secrets';

describe('redactSecrets', () => {
  it('removes a Slack webhook path wherever it appears', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const reason = `failed posting to ${url} (path /services/T000/B000/XXXXSECRET)`;
    const redacted = redactSecrets(reason, secretPartsOfUrl(url));
    expect(redacted).not.toContain('XXXXSECRET');
  });

  it('removes an SMTP password in plain and URL-encoded form', () => {
    const url = 'smtp://alerts:p%40ss%2Fword@127.0.0.1:2525';
    const redacted = redactSecrets('auth p@ss/word and p%40ss%2Fword', secretPartsOfUrl(url));
    expect(redacted).toBe('auth <secret> and <secret>');
  });

  it('skips empty and missing secrets', () => {
    expect(redactSecrets('nothing secret', ['', undefined])).toBe('nothing secret');
  });
});
