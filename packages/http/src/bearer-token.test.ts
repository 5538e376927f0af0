import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bearerToken, tokenMatches } from './bearer-token';

function requestWith(authorization: string | undefined): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe('bearerToken', () => {
  it('reads the token of a Bearer authorization header, any case of the scheme', () => {
    expect(bearerToken(requestWith('Bearer abc.def-123'))).toBe('abc.def-123');
    expect(bearerToken(requestWith('bearer   xyz '))).toBe('xyz');
  });

  it('finds no token without a header, with another scheme or with spaces inside', () => {
    expect(bearerToken(requestWith(undefined))).toBeUndefined();
    expect(bearerToken(requestWith('Basic dXNlcjpwYXNz'))).toBeUndefined();
    expect(bearerToken(requestWith('Bearer'))).toBeUndefined();
    expect(bearerToken(requestWith('Bearer a b'))).toBeUndefined();
  });
});

describe('tokenMatches', () => {
  const tokens = ['current-token', 'previous-token-being-rotated-out'];

  it('accepts any configured token, so tokens can be rotated', () => {
    expect(tokenMatches('current-token', tokens)).toBe(true);
    expect(tokenMatches('previous-token-being-rotated-out', tokens)).toBe(true);
  });

  it('refuses other tokens, prefixes, extensions and case variants', () => {
    for (const candidate of ['wrong', 'current', 'current-token-', 'CURRENT-TOKEN', 'x'.repeat(10_000)]) {
      expect(tokenMatches(candidate, tokens)).toBe(false);
    }
  });

  it('refuses a missing or empty candidate even when an empty token is configured', () => {
    expect(tokenMatches(undefined, tokens)).toBe(false);
    expect(tokenMatches('', [''])).toBe(false);
  });

  it('refuses everything when no tokens are configured', () => {
    expect(tokenMatches('current-token', [])).toBe(false);
  });
});
