import { VigilError } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './error-response';

describe('errorResponse', () => {
  it.each([
    ['VIGIL_CONTRACT_INVALID', 400],
    ['VIGIL_UNAUTHORIZED', 401],
    ['VIGIL_INPUT_TOO_LARGE', 413],
    ['VIGIL_RATE_LIMITED', 429],
    ['VIGIL_BACKPRESSURE', 503],
    ['VIGIL_SHUTDOWN', 503],
  ] as const)('answers %s with %i and the code and message', (code, status) => {
    const response = errorResponse(new VigilError(code, 'what to do'));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: code, message: 'what to do' });
  });

  it('asks for a bearer token on 401', () => {
    expect(errorResponse(new VigilError('VIGIL_UNAUTHORIZED', 'x')).headers).toEqual({ 'www-authenticate': 'Bearer' });
  });

  it('sets Retry-After from the error details, rounded up, at least one second', () => {
    const retryAfter = (details?: Record<string, unknown>) =>
      errorResponse(new VigilError('VIGIL_BACKPRESSURE', 'x', details === undefined ? {} : { details })).headers['retry-after'];
    expect(retryAfter({ retryAfterSeconds: 2.2 })).toBe('3');
    expect(retryAfter({ retryAfterSeconds: 0 })).toBe('1');
    expect(retryAfter({ retryAfterSeconds: 'soon' })).toBe('1');
    expect(retryAfter()).toBe('1');
    expect(errorResponse(new VigilError('VIGIL_RATE_LIMITED', 'x', { details: { retryAfterSeconds: 7 } })).headers).toEqual({
      'retry-after': '7',
    });
  });

  it('answers an unsupported Content-Encoding with 415', () => {
    expect(errorResponse(new VigilError('VIGIL_CONTRACT_INVALID', 'x', { details: { unsupportedEncoding: true } })).status).toBe(415);
  });

  it('answers Kafka unavailability with 503 and Retry-After, without the internal message', () => {
    const response = errorResponse(new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'broker 10.0.0.7:9092 down', { retryable: true }));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.stringify(response.body)).not.toContain('10.0.0.7');
  });

  it('hides everything about unexpected errors and other codes behind a 500', () => {
    for (const error of [
      new Error('ECONNREFUSED 10.0.0.7:9092 password=hunter2'),
      new VigilError('VIGIL_KAFKA_TOPIC', 'broker 10.0.0.7 refused topic'),
      'a string',
      undefined,
    ]) {
      const response = errorResponse(error);
      expect(response.status).toBe(500);
      expect(JSON.stringify(response.body)).not.toMatch(/10\.0\.0\.7|hunter2|broker/);
    }
  });
});
