import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_QUERY_PARAMS, QueryRedactor } from './redact-query';

const redactor = new QueryRedactor(DEFAULT_REDACT_QUERY_PARAMS);

describe('QueryRedactor', () => {
  it('replaces credential values and keeps the other parameters in order', () => {
    expect(redactor.redact('page=2&api_key=abc123&sort=asc&token=t0k')).toBe('page=2&api_key=REDACTED&sort=asc&token=REDACTED');
  });

  it('matches names case-insensitively and percent-encoded', () => {
    expect(redactor.redact('API_KEY=x&Access_Token=y&pass%77ord=z')).toBe('API_KEY=REDACTED&Access_Token=REDACTED&pass%77ord=REDACTED');
  });

  it('redacts the first parameter and AWS presigned signatures', () => {
    expect(redactor.redact('X-Amz-Signature=abcd&X-Amz-Date=20240101')).toBe('X-Amz-Signature=REDACTED&X-Amz-Date=20240101');
  });

  it('returns the same string when nothing needs redacting', () => {
    const query = 'a=1&b=2&keyword=search';
    expect(redactor.redact(query)).toBe(query);
  });

  it('leaves parameters without a value alone', () => {
    expect(redactor.redact('token&x=1')).toBe('token&x=1');
  });

  it('honours a configured list', () => {
    expect(new QueryRedactor(['session']).redact('session=s&token=t')).toBe('session=REDACTED&token=t');
  });
});
