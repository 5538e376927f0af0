import fc from 'fast-check';
import { REJECTION_REASONS, validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

/** One line in the documented 33-field order, with the values a test cares about overridable. */
function cloudFrontLine(overrides: Partial<Record<'status' | 'uriStem' | 'query' | 'userAgent' | 'cookie' | 'forwardedFor' | 'hostHeader', string>> = {}): string {
  return [
    '2024-03-12', '15:22:28', 'CDG50-P2', '703', '198.51.100.7', 'GET', 'd111111abcdef8.cloudfront.net',
    overrides.uriStem ?? '/v1/users/123', overrides.status ?? '200', '-', overrides.userAgent ?? 'Mozilla/5.0%20(X11;%20Linux)',
    overrides.query ?? 'api_key=s3cr3t&page=2', overrides.cookie ?? 'session=abc123', 'Hit', 'req-id-1',
    overrides.hostHeader ?? 'api.example.com', 'https', '62', '0.113', overrides.forwardedFor ?? '-', 'TLSv1.3',
    'TLS_AES_128_GCM_SHA256', 'Hit', 'HTTP/2.0', '-', '-', '51754', '0.100', 'Hit', 'application/json', '20', '-', '-',
  ].join('\t');
}

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

describe('aws-cloudfront', () => {
  const parser = createEventParser({ format: 'aws-cloudfront' });

  it('maps the standard fields into the event, time in UTC and time-taken in ms', () => {
    expect(eventOf(parser.parseLine(cloudFrontLine(), ctx))).toEqual({
      v: 1,
      time: Date.UTC(2024, 2, 12, 15, 22, 28),
      gateway: 'aws-cloudfront',
      service: 'api.example.com',
      client: { ip: '198.51.100.7', key: '198.51.100.7', userAgent: 'Mozilla/5.0 (X11; Linux)' },
      request: {
        method: 'GET',
        path: '/v1/users/123',
        route: '/v1/users/{id}',
        objectId: '123',
        query: 'api_key=REDACTED&page=2',
        id: 'req-id-1',
        protocol: 'HTTP/2.0',
      },
      response: { status: 200, bytes: 703, latencyMs: 113 },
    });
  });

  it('never copies the cookie into the event', () => {
    const event = eventOf(parser.parseLine(cloudFrontLine({ cookie: 'session=very-secret-cookie' }), ctx));
    expect(JSON.stringify(event)).not.toContain('very-secret-cookie');
  });

  it('falls back to cs(Host) when x-host-header is absent', () => {
    expect(eventOf(parser.parseLine(cloudFrontLine({ hostHeader: '-' }), ctx)).service).toBe('d111111abcdef8.cloudfront.net');
  });

  it('resolves the client through X-Forwarded-For only when the edge peer is a trusted proxy', () => {
    const trusting = createEventParser({ format: 'aws-cloudfront', normalize: { trustedProxies: ['198.51.100.0/24'] } });
    const line = cloudFrontLine({ forwardedFor: '203.0.113.5' });
    expect(eventOf(trusting.parseLine(line, ctx)).client.ip).toBe('203.0.113.5');
    expect(eventOf(parser.parseLine(line, ctx)).client.ip).toBe('198.51.100.7');
  });

  it('keeps a user agent that is not valid percent-encoding as logged', () => {
    expect(eventOf(parser.parseLine(cloudFrontLine({ userAgent: 'bad%zzagent' }), ctx)).client.userAgent).toBe('bad%zzagent');
  });

  it('rejects the #Version and #Fields header lines as not_an_access_log', () => {
    expect(parser.parseLine('#Version: 1.0', ctx)).toMatchObject({ ok: false, reason: 'not_an_access_log' });
    expect(parser.parseLine('#Fields: date time x-edge-location sc-bytes c-ip cs-method', ctx)).toMatchObject({ ok: false, reason: 'not_an_access_log' });
  });

  it('reads the lines after a #Fields header in its order, with fields left out', () => {
    const reader = createEventParser({ format: 'aws-cloudfront' });
    const header = '#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken sc-bytes x-host-header cs(User-Agent)';
    expect(reader.parseLine(header, ctx)).toMatchObject({ ok: false, reason: 'not_an_access_log' });
    const line = ['2024-03-12', '15:22:28', '2001:db8::7', 'POST', '/v1/orders/9', '201', '0.250', '512', 'api.example.com', 'curl/8.5.0'].join('\t');
    expect(eventOf(reader.parseLine(line, ctx))).toMatchObject({
      time: Date.UTC(2024, 2, 12, 15, 22, 28),
      service: 'api.example.com',
      client: { ip: '2001:db8::7', userAgent: 'curl/8.5.0' },
      request: { method: 'POST', path: '/v1/orders/9', route: '/v1/orders/{id}', query: undefined, protocol: undefined },
      response: { status: 201, bytes: 512, latencyMs: 250 },
    });
    const auto = createEventParser({ format: 'auto' });
    auto.parseLine('#Version: 1.0', ctx);
    auto.parseLine(header, ctx);
    expect(eventOf(auto.parseLine(line, ctx))).toMatchObject({ gateway: 'aws-cloudfront', response: { status: 201, latencyMs: 250 } });
  });

  it('rejects a line with too few fields as missing_field', () => {
    const short = cloudFrontLine().split('\t').slice(0, 20).join('\t');
    expect(parser.parseLine(short, ctx)).toMatchObject({ ok: false, reason: 'missing_field' });
  });

  it('rejects an impossible date as invalid_timestamp', () => {
    expect(parser.parseLine(cloudFrontLine().replace('2024-03-12', '2024-13-45'), ctx)).toMatchObject({ ok: false, reason: 'invalid_timestamp' });
  });

  it('keeps status 000 (the viewer closed the connection before a response) as status 0', () => {
    expect(eventOf(parser.parseLine(cloudFrontLine({ status: '000' }), ctx)).response.status).toBe(0);
  });

  it('is picked by auto-detection, also after another format', () => {
    const auto = createEventParser({ format: 'auto' });
    auto.parseLine('203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8"', ctx);
    expect(auto.lastDetected()).toBe('nginx');
    expect(eventOf(auto.parseLine(cloudFrontLine(), ctx)).gateway).toBe('aws-cloudfront');
    expect(auto.lastDetected()).toBe('aws-cloudfront');
  });

  it('never throws on CloudFront-shaped lines with arbitrary field values', () => {
    const fieldValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-', '', '0.5', '200', '%', '%E0%A4%A', '2024-02-30', 'GET'));
    const line = fc
      .tuple(fc.array(fieldValue, { minLength: 0, maxLength: 40 }), fc.constantFrom('2024-03-12\t15:22:28\t', '2024-99-99\t99:99:99\t', '0000-00-00\t00:00:00\t'))
      .map(([fields, prefix]) => prefix + fields.join('\t'));
    fc.assert(
      fc.property(line, (text) => {
        const result = parser.parseLine(text, ctx);
        if (result.ok) validateApiAccessEvent(result.event);
        else expect(REJECTION_REASONS).toContain(result.reason);
      }),
      { numRuns: 500 },
    );
  });
});
