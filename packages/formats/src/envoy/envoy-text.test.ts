import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

const request = '[2024-04-25T17:51:55.294Z] "GET /v1/users/9 HTTP/1.1" 200 -';
const common = '0 612 15 12 "203.0.113.5" "curl/8.5.0" "7c1d-aa" "api.example.com" "10.1.2.3:8080"';
const expected = {
  time: Date.UTC(2024, 3, 25, 17, 51, 55, 294),
  service: 'api.example.com',
  client: { userAgent: 'curl/8.5.0' },
  request: { method: 'GET', path: '/v1/users/9', route: '/v1/users/{id}', id: '7c1d-aa', protocol: 'HTTP/1.1' },
  response: { status: 200, bytes: 612, latencyMs: 15, upstreamLatencyMs: 12 },
};

describe('envoy text', () => {
  const parser = createEventParser({ format: 'envoy' });

  it('reads the default format, with the right-most X-Forwarded-For entry as the client', () => {
    expect(eventOf(parser.parseLine(`${request} ${common}`, ctx))).toMatchObject({ ...expected, client: { ip: '203.0.113.5' } });
  });

  it("reads Istio's text format: fields after the flags, the downstream peer at the end", () => {
    const tail = 'outbound|8080||users.default.svc.cluster.local 10.0.0.9:40000 10.1.2.3:8080 10.0.0.8:51234 - default';
    const istio18 = `${request} via_upstream - "-" ${common} ${tail}`;
    const istio15 = `${request} "-" "-" ${common} ${tail}`;
    for (const line of [istio18, istio15]) {
      expect(eventOf(parser.parseLine(line, ctx)), line).toMatchObject({ ...expected, client: { ip: '10.0.0.8' } });
    }
    expect(eventOf(createEventParser({ format: 'auto' }).parseLine(istio18, ctx))).toMatchObject({ gateway: 'envoy', response: { bytes: 612 } });
  });
});

describe('envoy text with quotes in client-sent values, which Envoy writes unescaped', () => {
  const parser = createEventParser({ format: 'envoy' });

  it('keeps a quote inside the user agent from moving the request id and authority', () => {
    for (const agent of ['curl "evil" x', 'x" "evil.example.com" "y']) {
      const line = `${request} 0 612 15 12 "203.0.113.5" "${agent}" "7c1d-aa" "api.example.com" "10.1.2.3:8080"`;
      expect(eventOf(parser.parseLine(line, ctx)), agent).toMatchObject({ ...expected, client: { ip: '203.0.113.5', userAgent: agent } });
    }
  });

  it('keeps a quote inside the path from moving the status', () => {
    const line = `[2024-04-25T17:51:55.294Z] "GET /v1/a"b HTTP/1.1" 404 - ${common}`;
    expect(eventOf(parser.parseLine(line, ctx))).toMatchObject({ request: { path: '/v1/a"b' }, response: { status: 404, bytes: 612 } });
  });
});
