import { describe, expect, it } from 'vitest';
import { scanClf } from './clf-scanner';
import { newRawAccess, type RawAccess } from './raw-access';

function scanLine(line: string) {
  return scanClf(line, 0, line.length, newRawAccess('nginx'));
}

function scan(line: string): RawAccess {
  const raw = newRawAccess('nginx');
  const result = scanClf(line, 0, line.length, raw);
  if (typeof result !== 'number') throw new Error(`rejected: ${result.reason}`);
  return raw;
}

const line = (request: string, tail = '200 512 "-" "curl/8.5.0"', identity = '10.0.0.1 - -') =>
  `${identity} [10/Oct/2000:13:55:36 -0700] "${request}" ${tail}`;

/** The fields a request line fills, whichever path through the scanner read it. */
function request(raw: RawAccess) {
  return { method: raw.method, target: raw.target, query: raw.query, protocol: raw.protocol, status: raw.status, bytes: raw.bytes };
}

describe('scanClf request lines', () => {
  it.each([
    ['GET /a/b HTTP/1.1', { method: 'GET', target: '/a/b', query: undefined, protocol: 'HTTP/1.1' }],
    ['POST /a?x=1&y=2 HTTP/2.0', { method: 'POST', target: '/a', query: 'x=1&y=2', protocol: 'HTTP/2.0' }],
    ['GET /a?b?c HTTP/1.0', { method: 'GET', target: '/a', query: 'b?c', protocol: 'HTTP/1.0' }],
    ['GET ?q HTTP/1.1', { method: 'GET', target: '', query: 'q', protocol: 'HTTP/1.1' }],
    ['GET /a?', { method: 'GET', target: '/a', query: '', protocol: undefined }],
    ['PROPFIND /dav HTTP/1.1', { method: 'PROPFIND', target: '/dav', query: undefined, protocol: 'HTTP/1.1' }],
    ['GET /x HTTP/3', { method: 'GET', target: '/x', query: undefined, protocol: 'HTTP/3' }],
    ['GET /x SPDY/3', { method: 'GET', target: '/x SPDY/3', query: undefined, protocol: undefined }],
    ['GET /a b HTTP/1.1', { method: 'GET', target: '/a b', query: undefined, protocol: 'HTTP/1.1' }],
    ['GET  HTTP/1.1', { method: 'GET', target: '-', query: undefined, protocol: 'HTTP/1.1' }],
    ['GET HTTP/1.1', { method: 'GET', target: 'HTTP/1.1', query: undefined, protocol: undefined }],
    ['DELETE /x HTTP/1.2', { method: 'DELETE', target: '/x', query: undefined, protocol: 'HTTP/1.2' }],
    ['OPTIONS * HTTP/1.0', { method: 'OPTIONS', target: '*', query: undefined, protocol: 'HTTP/1.0' }],
    ['GETS /x HTTP/1.1', { method: 'GETS', target: '/x', query: undefined, protocol: 'HTTP/1.1' }],
    ['GET ', { method: 'GET', target: '-', query: undefined, protocol: undefined }],
    ['-', { method: '-', target: '-', query: undefined, protocol: undefined }],
    ['get /lower HTTP/1.1', { method: '-', target: '-', query: undefined, protocol: undefined }],
    ['\u0016\u0003\u0001', { method: '-', target: '-', query: undefined, protocol: undefined }],
  ])('splits "%s"', (requestLine, expected) => {
    expect(request(scan(line(requestLine)))).toEqual({ ...expected, status: 200, bytes: 512 });
  });

  it('reads escaped request lines as before: unescaped, query kept in the target', () => {
    expect(request(scan(line('GET /a\\x22b?q=1 HTTP/1.1')))).toEqual({
      method: 'GET',
      target: '/a"b?q=1',
      query: undefined,
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 512,
    });
  });

  it('reads byte counts of "-", empty and digits alike on every path', () => {
    expect(scan(line('GET / HTTP/1.1', '304 - "-" "ua"')).bytes).toBe(0);
    expect(scan(line('GET / HTTP/1.1', '200 17')).bytes).toBe(17);
    expect(scan(line('GET / HTTP/1.1', '200 17 "-" "ua"')).userAgent).toBe('ua');
    expect(scan(line('GET /\\x41 HTTP/1.1', '200 17 "-" "ua"')).bytes).toBe(17);
    expect(scanLine(line('GET / HTTP/1.1', '200 1x7 "-" "ua"'))).toMatchObject({ reason: 'format_mismatch' });
  });

  it('unescapes the user agent when only the fields after the request hold a backslash', () => {
    expect(scan(line('GET /a HTTP/1.1', '200 5 "-" "say \\x22hi\\x22"')).userAgent).toBe('say "hi"');
    expect(scan(line('GET /a HTTP/1.1', '200 5 "https://r/\\x41" "plain"')).userAgent).toBe('plain');
    expect(scan(line('GET /a HTTP/1.1', '200 5 "-" "no escapes"')).userAgent).toBe('no escapes');
  });

  it('takes a quote inside the request that no status follows as part of it', () => {
    const raw = scan(line('GET /a"b HTTP/1.0'));
    expect(raw.target).toBe('/a"b');
  });

  it('reads the identity forms: ip ident user, ip user, vhost ip ident user', () => {
    expect(scan(line('GET / HTTP/1.1', '200 1', '10.0.0.1 - -')).peerIp).toBe('10.0.0.1');
    expect(scan(line('GET / HTTP/1.1', '200 1', '10.0.0.1 - alice')).peerIp).toBe('10.0.0.1');
    expect(scan(line('GET / HTTP/1.1', '200 1', '10.0.0.1 alice')).peerIp).toBe('10.0.0.1');
    const vhost = scan(line('GET / HTTP/1.1', '200 1', 'shop.example:443 10.0.0.1 - -'));
    expect([vhost.service, vhost.peerIp]).toEqual(['shop.example:443', '10.0.0.1']);
    expect(scanLine(line('GET / HTTP/1.1', '200 1', 'a b c d e'))).toMatchObject({ reason: 'format_mismatch' });
  });

  it('keeps an address list "a, b" as the one ip token, not as a vhost and an ip', () => {
    const listed = scan(line('GET / HTTP/1.1', '200 1', '203.0.113.7, 10.0.0.50 - -'));
    expect([listed.service, listed.peerIp]).toEqual([undefined, '203.0.113.7, 10.0.0.50']);
    const three = scan(line('GET / HTTP/1.1', '200 1', '203.0.113.7, 198.51.100.2, 10.0.0.50 - alice'));
    expect([three.service, three.peerIp]).toEqual([undefined, '203.0.113.7, 198.51.100.2, 10.0.0.50']);
    const vhost = scan(line('GET / HTTP/1.1', '200 1', 'shop.example:443 203.0.113.7,10.0.0.50 - -'));
    expect([vhost.service, vhost.peerIp]).toEqual(['shop.example:443', '203.0.113.7,10.0.0.50']);
  });

  it('finds the time after a "[" that is not the time', () => {
    expect(scan(line('GET / HTTP/1.1', '200 1', '10.0.0.1 - x[y')).time).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
  });
});
