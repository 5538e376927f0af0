import { describe, expect, it } from 'vitest';
import { parseSyslogMessage } from './syslog-message';

const NGINX_LINE = '203.0.113.9 - - [27/Nov/2025:21:36:00 +0000] "GET /v1/users/42 HTTP/1.1" 200 512 "-" "curl/8.5.0"';

describe('parseSyslogMessage', () => {
  it('takes the message of an nginx access_log syslog: line (RFC 3164 with hostname and tag)', () => {
    expect(parseSyslogMessage(`<190>Nov 27 21:36:00 web-1 nginx: ${NGINX_LINE}`)).toEqual({
      message: NGINX_LINE,
      hostname: 'web-1',
      appName: 'nginx',
    });
  });

  it('takes the message of a HAProxy line that has a tag with pid and no hostname', () => {
    const line = '10.0.0.1:56000 [27/Nov/2025:21:36:00.123] fe be/srv1 0/0/1/2/3 200 120 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
    expect(parseSyslogMessage(`<134>Nov  7 21:36:00 haproxy[1234]: ${line}`)).toMatchObject({ message: line, appName: 'haproxy' });
  });

  it('parses RFC 5424 with structured data containing an escaped bracket', () => {
    const text = `<165>1 2025-11-27T21:36:00.003Z gw-2 envoy 77 ID47 [meta a="x\\]y" b="1"][more c="2"] ${NGINX_LINE}`;
    expect(parseSyslogMessage(text)).toEqual({ message: NGINX_LINE, hostname: 'gw-2', appName: 'envoy' });
  });

  it('parses RFC 5424 with nil structured data, nil fields and a BOM', () => {
    expect(parseSyslogMessage(`<14>1 2025-11-27T21:36:00Z - - - - - \uFEFF${NGINX_LINE}`)).toEqual({ message: NGINX_LINE });
  });

  it('accepts an RFC 3339 timestamp in a BSD-style header', () => {
    expect(parseSyslogMessage(`<30>2025-11-27T21:36:00+00:00 host app: ${NGINX_LINE}`).message).toBe(NGINX_LINE);
  });

  it('takes text without a PRI header as the line itself', () => {
    expect(parseSyslogMessage(NGINX_LINE)).toEqual({ message: NGINX_LINE });
    expect(parseSyslogMessage(`<999>${NGINX_LINE}`).message).toBe(`<999>${NGINX_LINE}`);
  });

  it('keeps the rest after a timestamp and hostname when no tag follows', () => {
    expect(parseSyslogMessage('<13>Nov 27 21:36:00 host just a message')).toEqual({ message: 'just a message', hostname: 'host' });
  });
});
