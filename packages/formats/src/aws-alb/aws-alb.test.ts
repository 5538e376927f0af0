import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** An ALB access-log entry in the documented field order; `client` is the client:port field. */
const albLine = (client: string) =>
  `h2 2024-03-12T15:22:28.186641Z app/my-lb/50dc6c495c0c9188 ${client} 10.0.0.1:80 0.001 0.048 0.000 200 200 0 57 "GET https://api.example.com:443/v1/users/5 HTTP/2.0" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "api.example.com" "-" 0 2024-03-12T15:22:28.137000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"`;

describe('aws-alb', () => {
  it('takes the port off an IPv6 client, which ALB writes without brackets', () => {
    const parser = createEventParser({ format: 'aws-alb' });
    expect(eventOf(parser.parseLine(albLine('2001:db8:85a3::8a2e:370:7334:51234'), ctx)).client.ip).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(eventOf(parser.parseLine(albLine('192.168.131.39:2817'), ctx)).client.ip).toBe('192.168.131.39');
  });

  it('reads the request, latency (the three processing times) and domain', () => {
    const event = eventOf(createEventParser({ format: 'aws-alb' }).parseLine(albLine('192.168.131.39:2817'), ctx));
    expect(event).toMatchObject({
      time: Date.UTC(2024, 2, 12, 15, 22, 28, 186),
      service: 'api.example.com',
      request: { method: 'GET', path: '/v1/users/5', route: '/v1/users/{id}', protocol: 'HTTP/2.0' },
      response: { status: 200, bytes: 57, latencyMs: 49, upstreamLatencyMs: 48 },
    });
  });
});

describe('aws-alb without a logged domain', () => {
  it('names the service by the host of the URL, never by its userinfo or port', () => {
    const line = albLine('192.168.131.39:2817')
      .replace('https://api.example.com:443/', 'https://alice:hunter2@api.example.com:443/')
      .replace('"api.example.com"', '"-"');
    const event = eventOf(createEventParser({ format: 'aws-alb' }).parseLine(line, ctx));
    expect(event.service).toBe('api.example.com');
    expect(JSON.stringify(event)).not.toMatch(/alice|hunter2/);
  });
});

describe('aws-alb requests it could not parse', () => {
  it('gives a request line ALB logs as "- <url>- -" method, path and route "-", not the root path', () => {
    const line = albLine('192.168.131.39:2817').replace('"GET https://api.example.com:443/v1/users/5 HTTP/2.0"', '"- https://api.example.com:443- -"');
    expect(eventOf(createEventParser({ format: 'aws-alb' }).parseLine(line.replace('"api.example.com"', '"-"'), ctx))).toMatchObject({
      service: 'api.example.com',
      request: { method: '-', path: '-', route: '-' },
    });
  });
});
