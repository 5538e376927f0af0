import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

describe('envoy-json', () => {
  it("reads Contour's JSON access log, whose START_TIME is @timestamp", () => {
    const line = JSON.stringify({
      '@timestamp': '2024-04-25T17:51:55.294Z',
      authority: 'api.example.com',
      bytes_received: 0,
      bytes_sent: 612,
      downstream_remote_address: '[2001:db8::5]:51234',
      duration: 15,
      method: 'GET',
      path: '/v1/users/9?a=1',
      protocol: 'HTTP/2',
      request_id: 'abc',
      response_code: 200,
      response_flags: '-',
      upstream_service_time: '12',
      user_agent: 'curl/8.5.0',
      x_forwarded_for: '-',
    });
    expect(eventOf(createEventParser({ format: 'auto' }).parseLine(line, ctx))).toMatchObject({
      time: Date.UTC(2024, 3, 25, 17, 51, 55, 294),
      gateway: 'envoy',
      service: 'api.example.com',
      client: { ip: '2001:db8::5', userAgent: 'curl/8.5.0' },
      request: { method: 'GET', path: '/v1/users/9', query: 'a=1', route: '/v1/users/{id}', id: 'abc', protocol: 'HTTP/2' },
      response: { status: 200, bytes: 612, latencyMs: 15, upstreamLatencyMs: 12 },
    });
  });
});
