import { describe, expect, it } from 'vitest';
import { createEventParser } from './event-parser';
import { FORMAT_NAMES } from './types';

const ctx = { source: 'test', receivedAt: 0 };
const COMBINED = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?api_key=s3cr3t HTTP/1.0" 200 2326 "http://example.com/start.html" "Mozilla/4.08"';

describe('createEventParser line checks', () => {
  const parser = createEventParser({ format: 'auto', maxLineLength: 1000 });

  it('rejects empty and blank lines', () => {
    expect(parser.parseLine('', ctx)).toMatchObject({ ok: false, reason: 'empty_line' });
    expect(parser.parseLine('   \t', ctx)).toMatchObject({ ok: false, reason: 'empty_line' });
  });

  it('rejects lines over the limit as line_too_long', () => {
    expect(parser.parseLine('x'.repeat(1001), ctx)).toMatchObject({ ok: false, reason: 'line_too_long' });
  });

  it('rejects undecodable input that does not parse as invalid_utf8', () => {
    expect(parser.parseLine('\uFFFD\uFFFD garbage', ctx)).toMatchObject({ ok: false, reason: 'invalid_utf8' });
  });

  it('keeps a real request whose path held non-UTF-8 bytes', () => {
    const line = COMBINED.replace('/apache_pb.gif', '/\uFFFD\uFFFD');
    expect(parser.parseLine(line, ctx).ok).toBe(true);
  });

  it('rejects nginx and Apache error-log lines as not_an_access_log', () => {
    expect(parser.parseLine('2021/09/30 09:23:53 [error] 1925800#1925800: *17 user "foo" was not found', ctx)).toMatchObject({
      ok: false,
      reason: 'not_an_access_log',
    });
    expect(parser.parseLine('[Thu Oct 13 12:24:49.880562 2022] [auth_basic:error] [pid 10] AH01618: user sss not found', ctx)).toMatchObject({
      ok: false,
      reason: 'not_an_access_log',
    });
  });

  it('names invalid JSON as such', () => {
    expect(parser.parseLine('{"oops": ', ctx)).toMatchObject({ ok: false, reason: 'invalid_json' });
  });

  it('reads a line after a byte order mark as the line without it, on both paths and in every shape', () => {
    const json = '{"level":"info","ts":1693840791.75,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"198.51.100.7","proto":"HTTP/2.0","method":"GET","host":"api.example.com","uri":"/v1/x"},"duration":0.002,"size":10,"status":200}';
    const formats = [
      ['auto', COMBINED],
      ['nginx', COMBINED],
      ['auto', json],
      ['caddy', json],
    ] as const;
    for (const [format, line] of formats) {
      const expected = createEventParser({ format }).parseLine(line, ctx);
      expect(expected.ok, line).toBe(true);
      expect(createEventParser({ format }).parseLine(`\uFEFF${line}`, ctx), line).toEqual(expected);
      const block = `\uFEFF${line}\n`;
      expect(createEventParser({ format }).parseLineAt(block, 0, block.length - 1, ctx), line).toEqual(expected);
    }
  });

  it('strips a trailing carriage return', () => {
    expect(parser.parseLine(`${COMBINED}\r`, ctx)).toMatchObject({ ok: true, event: { client: { userAgent: 'Mozilla/4.08' } } });
  });
});

describe('events timed after the clock', () => {
  // COMBINED is at 2000-10-10T20:55:36Z.
  const time = Date.UTC(2000, 9, 10, 20, 55, 36);
  const caddy = (ts: number) =>
    `{"level":"info","ts":${ts / 1000},"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"198.51.100.7","proto":"HTTP/1.1","method":"GET","host":"api.example.com","uri":"/v1/x"},"duration":0.002,"size":10,"status":200}`;

  it('rejects a time more than maxFutureMs after receivedAt, on every path, naming the setting', () => {
    const receivedAt = time - 301_000;
    for (const format of ['auto', 'nginx'] as const) {
      const parser = createEventParser({ format, maxFutureMs: 300_000 });
      const rejected = { ok: false, reason: 'invalid_timestamp', detail: expect.stringContaining('301 s ahead') };
      expect(parser.parseLine(COMBINED, { source: 't', receivedAt })).toMatchObject(rejected);
      expect(parser.parseLineAt(`x\n${COMBINED}\n`, 2, 2 + COMBINED.length, { source: 't', receivedAt })).toMatchObject(rejected);
      expect(parser.parseLine(COMBINED, { source: 't', receivedAt })).toMatchObject({ detail: expect.stringContaining('VIGIL_MAX_FUTURE_SECONDS=300') });
    }
    const json = createEventParser({ format: 'auto', maxFutureMs: 300_000 });
    expect(json.parseObject(JSON.parse(caddy(time)), { source: 't', receivedAt })).toMatchObject({ reason: 'invalid_timestamp' });
    expect(json.parseLine(caddy(time), { source: 't', receivedAt })).toMatchObject({ reason: 'invalid_timestamp' });
  });

  it('accepts times up to the limit, and any time when no limit is set', () => {
    const limited = createEventParser({ format: 'nginx', maxFutureMs: 300_000 });
    expect(limited.parseLine(COMBINED, { source: 't', receivedAt: time - 300_000 }).ok).toBe(true);
    expect(limited.parseLineAt(`${COMBINED}\n`, 0, COMBINED.length, { source: 't', receivedAt: time - 300_000 }).ok).toBe(true);
    expect(createEventParser({ format: 'nginx' }).parseLine(COMBINED, { source: 't', receivedAt: 0 }).ok).toBe(true);
  });

  it('does not let a rejected line take a place among the routes', () => {
    const parser = createEventParser({ format: 'nginx', maxFutureMs: 1000, normalize: { routeMaxPerService: 1 } });
    const future = COMBINED.replace('/apache_pb.gif', '/future-only');
    expect(parser.parseLine(future, { source: 't', receivedAt: 0 }).ok).toBe(false);
    expect(parser.parseLine(COMBINED, { source: 't', receivedAt: time })).toMatchObject({ ok: true, event: { request: { route: '/apache_pb.gif' } } });
  });
});

describe('createEventParser wrappers and detection', () => {
  it('strips a syslog header and a container-runtime prefix', () => {
    const parser = createEventParser({ format: 'nginx' });
    const syslog = parser.parseLine(`Sep 15 16:13:46 ip-172-31-43-28 nginx[2869]: ${COMBINED}`, ctx);
    const cri = parser.parseLine(`2025-12-31T17:37:40.493035218+01:00 stdout F ${COMBINED}`, ctx);
    expect(syslog.ok && cri.ok).toBe(true);
  });

  it('strips an RFC 3164 header without a hostname, as HAProxy and nginx (nohostname) send it', () => {
    const haproxy = '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /index.html HTTP/1.1"';
    expect(createEventParser({ format: 'auto' }).parseLine(`<134>Feb  6 12:14:14 haproxy[14389]: ${haproxy}`, ctx)).toMatchObject({
      ok: true,
      event: { gateway: 'haproxy', client: { ip: '10.0.1.2' }, request: { path: '/index.html' } },
    });
    expect(createEventParser({ format: 'nginx' }).parseLine(`<190>Oct 10 13:55:36 nginx: ${COMBINED}`, ctx)).toMatchObject({
      ok: true,
      event: { client: { ip: '203.0.113.9' } },
    });
  });

  it('strips a bare <pri> prefix, as HAProxy writes with format priority or short', () => {
    const haproxy = '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /index.html HTTP/1.1"';
    for (const pri of ['<134>', '<6>']) {
      expect(createEventParser({ format: 'haproxy' }).parseLine(`${pri}${haproxy}`, ctx), pri).toMatchObject({ ok: true, event: { client: { ip: '10.0.1.2' } } });
    }
    expect(createEventParser({ format: 'auto' }).parseLine('<request id="x"> <ip>203.0.113.7</ip> </request>', ctx)).toMatchObject({ ok: false, reason: 'unknown_format' });
  });

  it('unwraps Docker and Kubernetes JSON wrappers around text lines', () => {
    const parser = createEventParser({ format: 'auto' });
    expect(parser.parseLine(JSON.stringify({ log: `${COMBINED}\n`, stream: 'stdout' }), ctx).ok).toBe(true);
    expect(parser.parseLine(JSON.stringify({ message: COMBINED, kubernetes: {} }), ctx).ok).toBe(true);
  });

  it('reports the detected format and switches when the input changes', () => {
    const parser = createEventParser({ format: 'auto' });
    parser.parseLine(COMBINED, ctx);
    expect(parser.lastDetected()).toBe('nginx');
    parser.parseLine('Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"', ctx);
    expect(parser.lastDetected()).toBe('haproxy');
  });

  it('redacts credential query values and never fails an unparseable request line', () => {
    const parser = createEventParser({ format: 'nginx' });
    const result = parser.parseLine(COMBINED, ctx);
    expect(result.ok && result.event.request.query).toBe('api_key=REDACTED');
    const garbage = parser.parseLine('1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] "\\x16\\x03\\x01" 400 157 "-" "-"', ctx);
    expect(garbage).toMatchObject({ ok: true, event: { request: { method: '-', path: '-', route: '-' }, response: { status: 400 } } });
  });

  it('redacts a session id in a path parameter before the route is templated', () => {
    const parser = createEventParser({ format: 'nginx' });
    const routes = new Set<string>();
    for (const session of ['A1B2C3', 'D4E5F6', 'A7B8C9']) {
      const line = `1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] "GET /shop/cart;jsessionid=${session}?next=%2Fcb%3Ftoken%3D${session} HTTP/1.1" 200 5 "-" "-"`;
      const result = parser.parseLineAt(`x\n${line}\n`, 2, 2 + line.length, ctx);
      if (!result.ok) throw new Error(result.reason);
      expect(JSON.stringify(result.event)).not.toContain(session);
      expect(result.event.request.path).toBe('/shop/cart;jsessionid=REDACTED');
      routes.add(result.event.request.route);
    }
    expect([...routes]).toEqual(['/shop/cart;jsessionid=REDACTED']);
  });

  it('keeps the path of an absolute-form request target, userinfo never, on the fast path and the general one', () => {
    const parser = createEventParser({ format: 'nginx' });
    const targets: Array<[string, string, string | undefined]> = [
      ['http://alice:hunter2@example.com/admin/7?x=1', '/admin/7', 'x=1'],
      ['https://ghp_T0KEN@example.com/repo', '/repo', undefined],
      ['HTTPS://[2001:db8::1]:8443/v1/users/12?token=abc', '/v1/users/12', 'token=REDACTED'],
      ['http://example.com', '/', undefined],
      ['http://example.com?next=/a/b', '/', 'next=/a/b'],
    ];
    for (const [target, path, query] of targets) {
      const line = `203.0.113.9 - - [29/Jul/2023:10:26:06 -0700] "GET ${target} HTTP/1.1" 200 5 "-" "-"`;
      for (const result of [parser.parseLine(line, ctx), parser.parseLineAt(`x\n${line}\n`, 2, 2 + line.length, ctx)]) {
        if (!result.ok) throw new Error(result.reason);
        expect(JSON.stringify(result.event)).not.toMatch(/hunter2|alice|T0KEN|example\.com|2001/);
        expect(result.event.request, target).toMatchObject({ path, query });
        expect(result.event.request.route).toBe(path.replace(/\/\d+/g, '/{id}'));
      }
    }
  });

  it('leaves targets that only look absolute as they are', () => {
    const parser = createEventParser({ format: 'nginx' });
    for (const target of ['/redirect?u=http://example.com/x', 'a=b://c/d']) {
      const line = `203.0.113.9 - - [29/Jul/2023:10:26:06 -0700] "GET ${target} HTTP/1.1" 200 5 "-" "-"`;
      const result = parser.parseLine(line, ctx);
      if (!result.ok) throw new Error(result.reason);
      expect(result.event.request.path).toBe(target.split('?')[0]);
    }
  });

  it('keeps the path of the absolute-form targets HAProxy logs for HTTP/2, Envoy and Traefik for proxied requests', () => {
    const lines: Array<[string, string]> = [
      ['haproxy', '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET https://api.example.com/users/1 HTTP/2.0"'],
      ['envoy', '[2024-03-01T10:00:00.000Z] "GET http://api.example.com:8080/users/1 HTTP/1.1" 200 - 0 12 3 2 "-" "curl/8.5.0" "req-1" "api.example.com" "10.0.0.7:8080"'],
      ['traefik', '203.0.113.9 - - [29/Jul/2023:10:26:06 +0000] "GET http://api.example.com/users/1 HTTP/1.1" 200 5 "-" "-" 7 "api@docker" "http://10.0.0.7:80" 3ms'],
    ];
    for (const [format, line] of lines) {
      const result = createEventParser({ format: format as 'nginx' }).parseLine(line, ctx);
      if (!result.ok) throw new Error(`${format}: ${result.reason} ${result.detail}`);
      expect(result.event.request, format).toMatchObject({ path: '/users/1', route: '/users/{id}', objectId: '1' });
    }
  });

  it('folds an IPv4-mapped client into its IPv4 address in every format that logs a peer', () => {
    const lines: Array<[string, string]> = [
      ['nginx', COMBINED.replace('203.0.113.9', '::ffff:203.0.113.9')],
      ['haproxy', '::FFFF:203.0.113.9:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /x HTTP/1.1"'],
      ['envoy-json', '{"start_time":"2024-03-01T10:00:00.000Z","method":"GET","path":"/x","response_code":200,"downstream_remote_address":"[::ffff:203.0.113.9]:51234"}'],
      ['kong', '{"started_at":1709287200000,"client_ip":"::ffff:203.0.113.9","request":{"method":"GET","uri":"/x"},"response":{"status":200,"size":1}}'],
    ];
    for (const [format, line] of lines) {
      const result = createEventParser({ format: format as 'nginx' }).parseLine(line, ctx);
      if (!result.ok) throw new Error(`${format}: ${result.reason} ${result.detail}`);
      expect(result.event.client, format).toMatchObject({ ip: '203.0.113.9', key: '203.0.113.9' });
    }
  });

  it('keeps requests the gateway sent no response to, as status 0', () => {
    const lines: Array<[string, string]> = [
      ['haproxy', '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/-1/109 -1 0 - - CD-- 1/1/1/1/0 0/0 "GET /users/2 HTTP/1.1"'],
      ['haproxy', '10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /users/2 HTTP/1.1" -1 0 "" "" 33317 655 "http-in" "static" "srv1" 10 0 30 -1 109 "CD--"'],
      ['envoy', '[2024-03-01T10:00:00.000Z] "GET /users/2 HTTP/1.1" 0 DC 0 0 1234 - "-" "curl/8.5.0" "req-1" "api.example.com" "10.0.0.7:8080"'],
      ['envoy-json', '{"start_time":"2024-03-01T10:00:00.000Z","method":"GET","path":"/users/2","response_code":0,"response_flags":"DC"}'],
      ['traefik', '172.17.0.1 - - [08/Dec/2021:13:59:39 +0000] "GET /users/2 HTTP/1.1" - - "-" "Nikto" 242 "test@docker" "http://172.17.0.3:80" 1ms'],
      ['traefik-json', '{"StartUTC":"2024-06-12T07:35:15.622Z","DownstreamStatus":0,"OriginStatus":0,"RequestMethod":"GET","RequestPath":"/users/2","ClientHost":"10.0.0.1"}'],
    ];
    for (const [format, line] of lines) {
      for (const chosen of [format, 'auto']) {
        const result = createEventParser({ format: chosen as 'nginx' }).parseLine(line, ctx);
        if (!result.ok) throw new Error(`${format} as ${chosen}: ${result.reason} ${result.detail}`);
        expect(result.event.response.status, format).toBe(0);
        expect(result.event.request.path, format).toBe('/users/2');
      }
    }
  });

  it('reads the -1 of an HAProxy JSON log-format as status 0 too', () => {
    const parser = createEventParser({ format: 'json', jsonFieldMap: { time: 't', 'client.ip': 'ip', 'request.method': 'm', 'request.path': 'p', 'response.status': 's' } });
    const result = parser.parseLine('{"t":"2024-03-01T10:00:00Z","ip":"203.0.113.9","m":"GET","p":"/x","s":-1}', ctx);
    expect(result).toMatchObject({ ok: true, event: { response: { status: 0 } } });
  });

  it('rejects a status that is none, saying what a status may be', () => {
    const parser = createEventParser({ format: 'nginx' });
    for (const status of ['42', '1000', '-2', 'abc']) {
      const result = parser.parseLine(COMBINED.replace(' 200 ', ` ${status} `), ctx);
      expect(result, status).toMatchObject({ ok: false, reason: 'invalid_status' });
    }
    expect(parser.parseLine(COMBINED.replace(' 200 ', ' 42 '), ctx)).toMatchObject({ detail: expect.stringMatching(/^42: .*100-999.*no response/) });
  });

  it('admits no new route for a request without a response once half the route cap is used', () => {
    const parser = createEventParser({ format: 'envoy', normalize: { routeMaxPerService: 2 } });
    const line = (path: string, status: number) =>
      `[2024-03-01T10:00:00.000Z] "GET ${path} HTTP/1.1" ${status} - 0 0 5 - "-" "-" "-" "api.example.com" "-"`;
    const routeOf = (path: string, status: number) => {
      const result = parser.parseLine(line(path, status), ctx);
      if (!result.ok) throw new Error(result.reason);
      return result.event.request.route;
    };
    expect(routeOf('/known', 200)).toBe('/known');
    expect(routeOf('/probe-a', 0)).toBe('/{other}');
    expect(routeOf('/known', 0)).toBe('/known');
  });

  it('names one service for every spelling of a Host: case, default port, trailing dot', () => {
    const envoy = (authority: string) => `[2024-03-01T10:00:00.000Z] "GET /x HTTP/2" 200 - 0 7 1 1 "-" "grpc-go/1.60.1" "id" "${authority}" "10.0.0.7:8080"`;
    const caddy = (host: string) =>
      `{"level":"info","ts":1709287200.1,"logger":"http.log.access","msg":"handled request","request":{"client_ip":"203.0.113.5","proto":"HTTP/1.1","method":"GET","host":"${host}","uri":"/x","headers":{}},"duration":0.001,"size":1,"status":200}`;
    const cases: Array<[string, (host: string) => string]> = [['envoy', envoy], ['caddy', caddy]];
    for (const [format, line] of cases) {
      const parser = createEventParser({ format: format as 'nginx' });
      const services = ['api.example.com', 'API.Example.com', 'api.example.com:443', 'api.example.com:80', 'api.example.com.'].map((host) => {
        const result = parser.parseLine(line(host), ctx);
        if (!result.ok) throw new Error(`${format}: ${result.reason}`);
        return result.event.service;
      });
      expect(new Set(services), format).toEqual(new Set(['api.example.com']));
      const other = parser.parseLine(line('api.example.com:8443'), ctx);
      expect(other.ok && other.event.service).toBe('api.example.com:8443');
    }
  });

  it('rejects unknown format names and names the known ones', () => {
    expect(() => createEventParser({ format: 'iis' as 'nginx' })).toThrow(/known: auto, nginx/);
    expect(FORMAT_NAMES).toContain('kong');
  });

  it('needs a field map for generic JSON', () => {
    expect(() => createEventParser({ format: 'json' })).toThrow(/VIGIL_JSON_FIELD_MAP/);
  });
});

describe('generic JSON with a field map', () => {
  const parser = createEventParser({
    format: 'json',
    jsonFieldMap: {
      time: 'ts',
      'client.ip': 'remote.addr',
      'request.method': 'verb',
      'request.path': 'uri',
      'response.status': 'code',
      'response.bytes': 'size',
      'response.latencySeconds': 'took',
      service: 'app',
    },
  });

  it('maps nested source fields onto the event', () => {
    const result = parser.parseObject({ ts: '2024-01-02T03:04:05Z', remote: { addr: '192.0.2.1' }, verb: 'POST', uri: '/orders/17', code: 201, size: '99', took: 0.5, app: 'shop' }, ctx);
    expect(result).toMatchObject({
      ok: true,
      event: { gateway: 'json', service: 'shop', client: { ip: '192.0.2.1' }, request: { method: 'POST', route: '/orders/{id}' }, response: { status: 201, bytes: 99, latencyMs: 500 } },
    });
  });

  it('rejects a record missing the time', () => {
    expect(parser.parseObject({ verb: 'GET', uri: '/', code: 200 }, ctx)).toMatchObject({ ok: false, reason: 'invalid_timestamp' });
  });

  it('rejects unknown event fields in the map', () => {
    expect(() => createEventParser({ format: 'json', jsonFieldMap: { 'client.secret': 'x' } })).toThrow(/unknown event field/);
  });
});

describe('client identity and credentials', () => {
  const kongRecord = {
    started_at: 1614232668342,
    client_ip: '192.168.144.1',
    request: { method: 'GET', uri: '/log?password=hunter2', headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k-123', 'user-agent': 'HTTPie' } },
    response: { status: 200, size: 10 },
    latencies: { request: 515, kong: 58, proxy: 457 },
  };

  it('never copies Authorization or Cookie values into the event', () => {
    const result = createEventParser({ format: 'kong' }).parseObject(kongRecord, ctx);
    const text = JSON.stringify(result);
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('sid=1');
    expect(text).not.toContain('hunter2');
  });

  it('uses a configured header as the client id, hashed by default', () => {
    const result = createEventParser({ format: 'kong', normalize: { clientIdHeader: 'X-Api-Key' } }).parseObject(kongRecord, ctx);
    expect(result.ok && result.event.client.id).toMatch(/^hdr-[0-9a-f]{16}$/);
    expect(result.ok && result.event.client.key).toBe(result.ok && result.event.client.id);
    const plain = createEventParser({ format: 'kong', normalize: { clientIdHeader: 'x-api-key', hashClientIdHeader: false } }).parseObject(kongRecord, ctx);
    expect(plain.ok && plain.event.client.id).toBe('k-123');
  });

  it('refuses Authorization or Cookie as the client id header', () => {
    expect(() => createEventParser({ format: 'kong', normalize: { clientIdHeader: 'Authorization' } })).toThrow(/credentials never leave/);
  });

  it('refuses a JSON field holding Authorization or Cookie as the client id field', () => {
    for (const field of ['request.headers.authorization', 'headers.Cookie', 'proxy-authorization']) {
      expect(() => createEventParser({ format: 'kong', normalize: { clientIdField: field } })).toThrow(/credentials, which never leave/);
    }
    expect(() => createEventParser({ format: 'kong', normalize: { clientIdField: 'consumer.username' } })).not.toThrow();
  });

  it('uses a configured JSON field as the client id', () => {
    const result = createEventParser({ format: 'kong', normalize: { clientIdField: 'request.headers.user-agent' } }).parseObject(kongRecord, ctx);
    expect(result.ok && result.event.client.id).toBe('HTTPie');
  });

  it('keeps a client id or address longer than 256 characters as a digest, so one line cannot make a huge entity key', () => {
    const parser = createEventParser({ format: 'kong', normalize: { clientIdField: 'request.headers.user-agent' } });
    const idOf = (agent: string, clientIp = '192.168.144.1') => {
      const result = parser.parseObject({ ...kongRecord, client_ip: clientIp, request: { ...kongRecord.request, headers: { 'user-agent': agent } } }, ctx);
      if (!result.ok) throw new Error(result.reason);
      return result.event.client;
    };
    expect(idOf('a'.repeat(256)).id).toBe('a'.repeat(256));
    const long = idOf('a'.repeat(5000));
    expect(long.id).toMatch(/^long-[0-9a-f]{16}$/);
    expect(long.key).toBe(long.id);
    expect(idOf('a'.repeat(5000)).id).toBe(long.id);
    expect(idOf(`${'a'.repeat(4999)}b`).id).not.toBe(long.id);
    expect(idOf('', 'x'.repeat(300)).ip).toMatch(/^long-[0-9a-f]{16}$/);
  });

  it('pseudonymizes the client IP when a key is set', () => {
    const result = createEventParser({ format: 'kong', normalize: { ipPseudonymizeKey: 'k' } }).parseObject(kongRecord, ctx);
    expect(result.ok && result.event.client.ip).toMatch(/^ip-[0-9a-f]{16}$/);
  });
});

describe('route cardinality', () => {
  it('keeps a scanner\'s 404s from filling the route cap, so real routes seen later keep their names', () => {
    const parser = createEventParser({ format: 'nginx', normalize: { routeMaxPerService: 10 } });
    const line = (path: string, status: number) => COMBINED.replace('/apache_pb.gif?api_key=s3cr3t', path).replace('" 200 ', `" ${status} `);
    const routeOf = (path: string, status: number) => {
      const result = parser.parseLine(line(path, status), ctx);
      return result.ok ? result.event.request.route : result.reason;
    };
    const scanned = Array.from({ length: 200 }, (_, i) => routeOf(`/scan-${i.toString(36)}.php`, 404));
    expect(new Set(scanned).size).toBe(6); // five admitted while the table was under half full, then /{other}
    expect(scanned.at(-1)).toBe('/{other}');
    expect(routeOf('/api/login', 200)).toBe('/api/login');
    expect(routeOf('/api/orders/123', 401)).toBe('/api/orders/{id}');
    expect(routeOf('/api/orders/124', 404)).toBe('/api/orders/{id}');
  });
});

describe('service cardinality', () => {
  it('folds Host values beyond VIGIL_ROUTE_MAX_SERVICES into {other}, so a scanner cannot mint services', () => {
    const parser = createEventParser({ format: 'caddy', maxLineLength: 10_000, normalize: { routeMaxServices: 2 } });
    const line = (host: string) =>
      JSON.stringify({ level: 'info', ts: 1700000000.5, logger: 'http.log.access', msg: 'handled request', request: { remote_ip: '203.0.113.9', proto: 'HTTP/1.1', method: 'GET', host, uri: '/login', headers: {} }, duration: 0.01, size: 10, status: 200 });
    const services = ['api.example.com', 'www.example.com', 'random-1.example.com', 'random-2.example.com', 'api.example.com'].map((host) => {
      const result = parser.parseLine(line(host), ctx);
      if (!result.ok) throw new Error(`not parsed: ${JSON.stringify(result)}`);
      return [result.event.service, result.event.request.route];
    });
    expect(services).toEqual([
      ['api.example.com', '/login'],
      ['www.example.com', '/login'],
      ['{other}', '/{other}'],
      ['{other}', '/{other}'],
      ['api.example.com', '/login'],
    ]);
  });
});

describe('a format that needs its template', () => {
  // "format json needs VIGIL_JSON_FIELD_MAP to be set" was the one configuration message without
  // an example to copy.
  it.each([
    ['json', 'VIGIL_JSON_FIELD_MAP', "e.g. VIGIL_JSON_FIELD_MAP=time=ts,client.ip=remote"],
    ['nginx-custom', 'VIGIL_NGINX_LOG_FORMAT', "e.g. VIGIL_NGINX_LOG_FORMAT='$remote_addr - $remote_user [$time_local] \"$request\" $status"],
  ] as const)('%s names %s with an example', (format, variable, example) => {
    expect(() => createEventParser({ format })).toThrow(`format ${format} needs ${variable} to be set, ${example}`);
  });
});
