import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

const combined = '10.0.0.5 - - [10/Oct/2023:13:55:36 +0200] "GET /v1/users/7 HTTP/1.1" 200 612 "-" "curl/8.5.0"';

describe('nginx combined with fields appended', () => {
  // The load balancer 10.0.0.5 is trusted: the client is what it forwarded.
  const parse = (line: string) => eventOf(createEventParser({ format: 'nginx', normalize: { trustedProxies: ['10.0.0.0/8'] } }).parseLine(line, ctx));

  it('reads the stock nginx.conf `main` format\'s "$http_x_forwarded_for"', () => {
    expect(parse(`${combined} "203.0.113.7, 10.0.0.9"`).client.ip).toBe('203.0.113.7');
    expect(parse(`${combined} "2001:db8::7"`).client.ip).toBe('2001:db8::7');
    expect(parse(`${combined} "-"`).client.ip).toBe('10.0.0.5');
    expect(parse(`${combined} "api.example.com"`).client.ip).toBe('10.0.0.5');
  });

  it('reads $request_time and $upstream_response_time in seconds as ms, after the agent or the forwarded-for', () => {
    expect(parse(`${combined} 0.250 0.240`).response).toMatchObject({ latencyMs: 250, upstreamLatencyMs: 240 });
    expect(parse(`${combined} "203.0.113.7" 1.005 0.010, 0.990`)).toMatchObject({
      client: { ip: '203.0.113.7' },
      response: { latencyMs: 1005, upstreamLatencyMs: 1000 },
    });
    expect(parse(`${combined} 0.004 -`).response).toMatchObject({ latencyMs: 4, upstreamLatencyMs: undefined });
  });

  it('leaves fields of other layouts alone', () => {
    for (const tail of ['1234', '"api.example.com" 512 0.250', '0.25', 'rt=0.250']) {
      expect(parse(`${combined} ${tail}`).response, tail).toMatchObject({ latencyMs: undefined, upstreamLatencyMs: undefined });
    }
  });
});

describe('nginx and Apache remote user', () => {
  const parse = (line: string) => eventOf(createEventParser({ format: 'nginx' }).parseLine(line, ctx));
  const line = (prefix: string) => `${prefix} [10/Oct/2023:13:55:36 +0200] "GET /v1/users/7 HTTP/1.1" 401 0 "-" "curl/8.5.0"`;

  it('keeps the client when a Basic user name it sent holds spaces, which the log writes unescaped', () => {
    for (const user of ['frank smith', 'a b c d e', '10.0.0.1', 'x [y']) {
      expect(parse(line(`203.0.113.9 - ${user}`)), user).toMatchObject({ service: '-', client: { ip: '203.0.113.9' } });
      expect(parse(line(`api.example.com:443 203.0.113.9 - ${user}`)), user).toMatchObject({ service: 'api.example.com:443', client: { ip: '203.0.113.9' } });
    }
  });

  it('recognises the line under auto-detection however long the user name', () => {
    const result = createEventParser({ format: 'auto' }).parseLine(line(`203.0.113.9 - ${'a '.repeat(1500)}`), ctx);
    expect(eventOf(result).client.ip).toBe('203.0.113.9');
  });

  it('still reads an ident and a user, and a user without ident', () => {
    expect(parse(line('203.0.113.9 ident frank'))).toMatchObject({ service: '-', client: { ip: '203.0.113.9' } });
    expect(parse(line('www.example.com 203.0.113.9 ident frank'))).toMatchObject({ service: 'www.example.com', client: { ip: '203.0.113.9' } });
    expect(parse(line('203.0.113.9 frank'))).toMatchObject({ service: '-', client: { ip: '203.0.113.9' } });
  });
});
