import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** `option httplog` as HAProxy 2.x writes it; `client` is `%ci:%cp`. */
const httplog = (client: string) =>
  `${client} [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`;

describe('haproxy option httplog', () => {
  it('takes the port off an IPv6 client, which HAProxy writes without brackets', () => {
    const parser = createEventParser({ format: 'haproxy' });
    expect(eventOf(parser.parseLine(httplog('2001:db8::5:33317'), ctx)).client.ip).toBe('2001:db8::5');
    expect(eventOf(parser.parseLine(httplog('::ffff:10.0.1.2:33317'), ctx)).client.ip).toBe('10.0.1.2');
    expect(eventOf(parser.parseLine(httplog('10.0.1.2:33317'), ctx)).client.ip).toBe('10.0.1.2');
  });
});

/** `option httplog clf`: HAProxy's fixed log-format for it, with the date in GMT. */
const clf = (timers = '10 0 30 69 109') =>
  `10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /v1/users/7 HTTP/1.1" 200 2750 "" "" 33317 655 "http-in" "api" "srv1" ${timers} "----" 1 1 1 1 0 0 0 "" "" "" ""`;

describe('haproxy option httplog clf', () => {
  it('reads the backend as service and the timers as latencies, under the haproxy format and auto', () => {
    for (const format of ['haproxy', 'auto'] as const) {
      expect(eventOf(createEventParser({ format }).parseLine(`<134>Feb  6 12:14:14 haproxy[14389]: ${clf()}`, ctx)), format).toMatchObject({
        gateway: 'haproxy',
        time: Date.UTC(2009, 1, 6, 12, 14, 14),
        service: 'api',
        client: { ip: '10.0.1.2', userAgent: undefined },
        request: { method: 'GET', path: '/v1/users/7', route: '/v1/users/{id}', protocol: 'HTTP/1.1' },
        response: { status: 200, bytes: 2750, latencyMs: 109, upstreamLatencyMs: 69 },
      });
    }
  });

  it('leaves out timers HAProxy never reached, and reads a logasap total', () => {
    expect(eventOf(createEventParser({ format: 'haproxy' }).parseLine(clf('-1 -1 -1 -1 0'), ctx)).response).toMatchObject({ latencyMs: 0, upstreamLatencyMs: undefined });
    expect(eventOf(createEventParser({ format: 'haproxy' }).parseLine(clf('10 0 30 69 +109'), ctx)).response).toMatchObject({ latencyMs: 109 });
  });

  it('leaves nginx combined lines to the nginx format', () => {
    const nginx = '10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /x HTTP/1.1" 200 2750 "-" "curl/8.5.0" "203.0.113.7"';
    expect(createEventParser({ format: 'haproxy' }).parseLine(nginx, ctx)).toMatchObject({ ok: false, reason: 'format_mismatch' });
    const auto = createEventParser({ format: 'auto' });
    expect(auto.parseLine(nginx, ctx).ok).toBe(true);
    expect(auto.lastDetected()).toBe('nginx');
  });
});

describe('haproxy messages that share the syslog stream', () => {
  it('names connection, proxy and server messages not_an_access_log, under haproxy and auto', () => {
    const messages = [
      'Mar  1 10:00:00 lb haproxy[1234]: Connect from 203.0.113.7:33317 to 10.0.0.1:443 (fe/HTTP)',
      'Mar  1 10:00:00 lb haproxy[1234]: Proxy fe started.',
      'Mar  1 10:00:00 lb haproxy[1234]: Stopping frontend fe in 0 ms.',
      'Mar  1 10:00:00 lb haproxy[1234]: Server be/srv1 is DOWN, reason: Layer4 connection problem. 0 active and 0 backup servers left.',
      '<133>Mar  1 10:00:00 haproxy[1234]: backend be has no server available!',
    ];
    for (const format of ['haproxy', 'auto'] as const) {
      const parser = createEventParser({ format });
      for (const line of messages) expect(parser.parseLine(line, ctx), `${format}: ${line}`).toMatchObject({ ok: false, reason: 'not_an_access_log' });
    }
  });
});
