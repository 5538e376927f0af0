import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';

const ctx = { source: 'test', receivedAt: 0 };

describe('nginx-custom log_format', () => {
  it('parses a template with request time, upstream time, host, request id and X-Forwarded-For', () => {
    const parser = createEventParser({
      format: 'nginx-custom',
      nginxLogFormat: '$remote_addr [$time_iso8601] $host "$request_method $request_uri $server_protocol" $status $bytes_sent "$http_user_agent" "$http_x_forwarded_for" $request_id rt=$request_time urt=$upstream_response_time',
      normalize: { trustedProxies: ['10.0.0.0/8'] },
    });
    const result = parser.parseLine(
      '10.0.0.7 [2024-05-01T12:00:00+02:00] api.example.com "GET /v1/users/42?token=abc HTTP/1.1" 200 512 "curl/8" "198.51.100.4" 7f3a rt=0.250 urt=0.100, 0.020',
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      event: {
        v: 1,
        time: Date.UTC(2024, 4, 1, 10, 0, 0),
        gateway: 'nginx',
        service: 'api.example.com',
        client: { ip: '198.51.100.4', key: '198.51.100.4', userAgent: 'curl/8' },
        request: { method: 'GET', path: '/v1/users/42', route: '/v1/users/{id}', query: 'token=REDACTED', objectId: '42', id: '7f3a', protocol: 'HTTP/1.1' },
        response: { status: 200, bytes: 512, latencyMs: 250, upstreamLatencyMs: 120 },
      },
    });
  });

  it('reads a quoted value with nginx \\x22 escapes and $msec time', () => {
    const parser = createEventParser({ format: 'nginx-custom', nginxLogFormat: '$msec "$request" $status $body_bytes_sent' });
    const result = parser.parseLine('1700000000.123 "GET /a\\x22b HTTP/1.1" 404 -', ctx);
    expect(result.ok && result.event).toMatchObject({ time: 1700000000123, request: { path: '/a"b' }, response: { status: 404, bytes: 0 } });
  });

  it('takes a template pasted with its nginx.conf quoting, directive and semicolon included', () => {
    const line = '10.0.0.7 - - [01/May/2024:12:00:00 +0200] "GET /v1/users/42 HTTP/1.1" 200 512 "-" "curl/8" "198.51.100.4"';
    const expected = { ok: true, event: { client: { ip: '198.51.100.4', userAgent: 'curl/8' }, request: { path: '/v1/users/42' }, response: { status: 200, bytes: 512 } } };
    for (const nginxLogFormat of [
      `'$remote_addr - $remote_user [$time_local] "$request" '\n    '$status $body_bytes_sent "$http_referer" '\n    '"$http_user_agent" "$http_x_forwarded_for"'`,
      `log_format  main  '$remote_addr - $remote_user [$time_local] "$request" ' '$status $body_bytes_sent "$http_referer" ' '"$http_user_agent" "$http_x_forwarded_for"';`,
    ]) {
      const parser = createEventParser({ format: 'nginx-custom', nginxLogFormat, normalize: { trustedProxies: ['10.0.0.0/8'] } });
      expect(parser.parseLine(line, ctx), nginxLogFormat).toMatchObject(expected);
    }
  });

  it('rejects a line that does not follow the template as format_mismatch', () => {
    const parser = createEventParser({ format: 'nginx-custom', nginxLogFormat: '$remote_addr [$time_local] "$request" $status' });
    expect(parser.parseLine('hello world', ctx)).toMatchObject({ ok: false, reason: 'format_mismatch' });
  });

  it('refuses templates that cannot be parsed back', () => {
    expect(() => createEventParser({ format: 'nginx-custom', nginxLogFormat: '$remote_addr$status "$request"' })).toThrow(/nothing between them/);
    expect(() => createEventParser({ format: 'nginx-custom', nginxLogFormat: '$remote_addr' })).toThrow(/must log \$status/);
    expect(() => createEventParser({ format: 'nginx-custom' })).toThrow(/VIGIL_NGINX_LOG_FORMAT/);
  });

  it('is tried first by auto when configured', () => {
    const parser = createEventParser({ format: 'auto', nginxLogFormat: '$remote_addr|$time_local|$request|$status|$body_bytes_sent' });
    const result = parser.parseLine('1.2.3.4|10/Oct/2000:13:55:36 -0700|GET / HTTP/1.1|200|5', ctx);
    expect(result.ok).toBe(true);
    expect(parser.lastDetected()).toBe('nginx-custom');
  });
});
