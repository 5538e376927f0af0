import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** One http-log / file-log record; `latencies` and `status` as the case needs. */
const kongRecord = (latencies: Record<string, number>, status = 200) => ({
  request: { uri: '/v1/users/42?apikey=abc', url: 'http://kong:8000/v1/users/42', size: 86, method: 'GET', headers: { host: 'api.example.com', 'user-agent': 'curl/8.5.0' }, id: '8e1c' },
  upstream_uri: '/users/42',
  response: { status, size: 934, headers: {} },
  latencies,
  tries: [],
  client_ip: '2001:db8::9',
  started_at: 1710256948123,
  service: { name: 'users', host: 'users.internal' },
  consumer: { id: 'c-1', username: 'alice' },
});

describe('kong', () => {
  const parser = createEventParser({ format: 'kong' });

  it('reads request, consumer, service and latencies in ms', () => {
    expect(eventOf(parser.parseObject(kongRecord({ request: 38, kong: 2, proxy: 36 }), ctx))).toMatchObject({
      time: 1710256948123,
      service: 'users',
      client: { ip: '2001:db8::9', id: 'c-1', userAgent: 'curl/8.5.0' },
      request: { method: 'GET', path: '/v1/users/42', route: '/v1/users/{id}', query: 'apikey=REDACTED', id: '8e1c' },
      response: { status: 200, bytes: 934, latencyMs: 38, upstreamLatencyMs: 36 },
    });
  });

  it('leaves out the upstream latency of a request no upstream saw (proxy -1)', () => {
    const event = eventOf(parser.parseObject(kongRecord({ request: 3, kong: 3, proxy: -1 }, 401), ctx));
    expect(event.response).toEqual({ status: 401, bytes: 934, latencyMs: 3, upstreamLatencyMs: undefined });
  });
});
