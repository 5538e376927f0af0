import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** A Caddy access-log entry with `ts` and `duration` as the encoder settings write them. */
const caddyLine = (ts: unknown, duration: unknown) =>
  JSON.stringify({
    level: 'info',
    ts,
    logger: 'http.log.access.log0',
    msg: 'handled request',
    request: { remote_ip: '2001:db8::7', client_ip: '2001:db8::7', proto: 'HTTP/3.0', method: 'GET', host: 'api.example.com', uri: '/v1/users/42?x=1', headers: { 'User-Agent': ['curl/8.5.0'] } },
    duration,
    size: 10,
    status: 200,
  });

describe('caddy', () => {
  const parser = createEventParser({ format: 'caddy' });
  const at = Date.UTC(2023, 8, 4, 15, 19, 51, 751);

  it('reads the default encoding: ts in float seconds, duration in seconds', () => {
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, 0.001234), ctx))).toMatchObject({
      time: at,
      service: 'api.example.com',
      client: { ip: '2001:db8::7', userAgent: 'curl/8.5.0' },
      request: { method: 'GET', path: '/v1/users/42', route: '/v1/users/{id}', query: 'x=1', protocol: 'HTTP/3.0' },
      response: { status: 200, bytes: 10, latencyMs: 1.234 },
    });
  });

  it('reads duration_format nano and string as well as seconds', () => {
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, 1234000), ctx)).response.latencyMs).toBe(1.234);
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, '1.234ms'), ctx)).response.latencyMs).toBe(1.234);
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, '1m2.5s'), ctx)).response.latencyMs).toBe(62_500);
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, '750µs'), ctx)).response.latencyMs).toBe(0.75);
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, 2), ctx)).response.latencyMs).toBe(2000);
    expect(eventOf(parser.parseLine(caddyLine(1693840791.7512, 'soon'), ctx)).response.latencyMs).toBeUndefined();
  });

  it('reads every time_format: unix_nano, unix_milli_float, iso8601, rfc3339, wall_milli, common_log', () => {
    for (const ts of [1693840791751234567, 1693840791751.234, '2023-09-04T15:19:51.751Z', '2023-09-04T17:19:51.751+0200', '2023/09/04 15:19:51.751']) {
      expect(eventOf(parser.parseLine(caddyLine(ts, 0.5), ctx)).time, String(ts)).toBe(at);
    }
    expect(eventOf(parser.parseLine(caddyLine('04/Sep/2023:15:19:51 +0000', 0.5), ctx)).time).toBe(at - 751);
  });
});
