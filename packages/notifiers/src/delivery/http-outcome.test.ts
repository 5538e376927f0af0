import { describe, expect, it } from 'vitest';
import { outcomeFromRequestError, outcomeFromStatus, parseRetryAfterMs } from './http-outcome';

const NOW = Date.UTC(2025, 0, 1, 0, 0, 0);

describe('HTTP outcomes', () => {
  it('treats every 2xx as delivered', () => {
    expect(outcomeFromStatus(204, null, NOW)).toEqual({ ok: true });
  });

  it('retries 429 after the Retry-After seconds', () => {
    expect(outcomeFromStatus(429, '3', NOW)).toEqual({ ok: false, retryable: true, reason: 'HTTP 429', retryAfterMs: 3000 });
  });

  it('reads Retry-After given as an HTTP date', () => {
    expect(parseRetryAfterMs(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
  });

  it('ignores a Retry-After it cannot read and caps a huge one at an hour', () => {
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('999999', NOW)).toBe(3_600_000);
  });

  it('retries 5xx and 408 but not other 4xx', () => {
    expect(outcomeFromStatus(503, null, NOW)).toMatchObject({ ok: false, retryable: true });
    expect(outcomeFromStatus(408, null, NOW)).toMatchObject({ ok: false, retryable: true });
    expect(outcomeFromStatus(404, null, NOW)).toMatchObject({ ok: false, retryable: false, reason: 'HTTP 404' });
  });

  it('names the socket error of a request that got no answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(outcomeFromRequestError(new TypeError('fetch failed', { cause: refused }))).toEqual({
      ok: false,
      retryable: true,
      reason: 'no HTTP answer (ECONNREFUSED)',
    });
  });

  it('does not retry a certificate that fails verification', () => {
    const expired = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(outcomeFromRequestError(new TypeError('fetch failed', { cause: expired }))).toEqual({
      ok: false,
      retryable: false,
      reason: 'no HTTP answer (CERT_HAS_EXPIRED)',
    });
  });

  it('says why fetch refuses a "bad port" and does not retry it', async () => {
    // A real fetch: it fails before connecting, so nothing needs to listen on 6000 (X11's port).
    const error = await fetch('http://127.0.0.1:6000/hook').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(outcomeFromRequestError(error)).toMatchObject({ ok: false, retryable: false });
    expect(outcomeFromRequestError(error)).toMatchObject({ reason: expect.stringContaining('no HTTP answer (bad port: ') });
  });

  it('calls an aborted request a timeout', () => {
    expect(outcomeFromRequestError(new DOMException('signal timed out', 'TimeoutError'))).toMatchObject({
      reason: 'no HTTP answer (timeout)',
    });
  });
});
