import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** A Traefik JSON access-log entry; `headers` are its request_<Header> fields. */
const traefikRecord = (ip: string, headers: Record<string, string>) => ({
  ClientHost: ip,
  DownstreamContentSize: 612,
  DownstreamStatus: 200,
  Duration: 23456789,
  OriginDuration: 21000000,
  RequestHost: 'api.example.com',
  RequestMethod: 'GET',
  RequestPath: '/v1/users/5?x=1',
  RequestProtocol: 'HTTP/2.0',
  ServiceName: 'api@docker',
  StartUTC: '2024-03-12T15:22:28.123456789Z',
  level: 'info',
  msg: '',
  time: '2024-03-12T16:22:28+01:00',
  ...headers,
});

describe('traefik-json', () => {
  it('reads the v2+ fields, durations in ns as ms', () => {
    expect(eventOf(createEventParser({ format: 'traefik-json' }).parseObject(traefikRecord('2001:db8::1', { 'request_User-Agent': 'curl/8.5.0' }), ctx))).toMatchObject({
      time: Date.UTC(2024, 2, 12, 15, 22, 28, 123),
      service: 'api@docker',
      client: { ip: '2001:db8::1', userAgent: 'curl/8.5.0' },
      request: { method: 'GET', path: '/v1/users/5', query: 'x=1', protocol: 'HTTP/2.0' },
      response: { status: 200, bytes: 612, latencyMs: 23.457, upstreamLatencyMs: 21 },
    });
  });

  it('takes a header Traefik redacted for no value, so clients do not share REDACTED as their id', () => {
    const parser = createEventParser({ format: 'traefik-json', normalize: { clientIdHeader: 'x-api-key' } });
    const redacted = { 'request_User-Agent': 'REDACTED', 'request_X-Api-Key': 'REDACTED' };
    const a = eventOf(parser.parseObject(traefikRecord('192.0.2.10', redacted), ctx));
    const b = eventOf(parser.parseObject(traefikRecord('192.0.2.11', redacted), ctx));
    expect(a.client).toMatchObject({ id: undefined, key: '192.0.2.10', userAgent: undefined });
    expect(b.client.key).toBe('192.0.2.11');
  });
});
