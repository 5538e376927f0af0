// Contract suite: every file under the shared real-log fixtures goes through `auto` and through its
// named format. Every line ends as a valid ApiAccessEvent or a rejection with a reason; nginx and
// Apache files of more than 50 lines parse at >= 99.9%; known values from specific lines land in
// the event. VIGIL_FIXTURES_DIR overrides the fixtures location (default ../shared/fixtures).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REJECTION_REASONS, validateApiAccessEvent, type ApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from './event-parser';
import type { FormatName, NormalizeOptions, ParseResult } from './types';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const FIXTURES = resolve(process.env.VIGIL_FIXTURES_DIR ?? join(REPO_ROOT, '../shared/fixtures'));
const REAL_LOGS = join(FIXTURES, 'real-logs');
const ctx = { source: 'contract-test', receivedAt: 0 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The named format of a fixture, from its folder and content; undefined for non-access files. */
function namedFormat(path: string, firstLine: string): FormatName | undefined {
  const folder = relative(REAL_LOGS, path).split('/')[0];
  const json = firstLine.trimStart().startsWith('{') || firstLine.includes(' stdout F {');
  switch (folder) {
    case 'nginx':
    case 'apache':
    case 'haproxy':
    case 'kong':
    case 'caddy':
    case 'aws-apigateway':
      return folder;
    case 'envoy':
      return json ? 'envoy-json' : 'envoy';
    case 'traefik':
      return json ? 'traefik-json' : 'traefik';
    case 'aws':
      return path.includes('cloudfront') ? 'aws-cloudfront' : 'aws-alb';
    default:
      return undefined;
  }
}

interface Outcome {
  lines: number;
  events: ApiAccessEvent[];
  rejections: Array<{ line: number; reason: string }>;
}

function run(path: string, format: FormatName | 'auto', normalize?: Partial<NormalizeOptions>): Outcome {
  const parser = createEventParser({ format, normalize });
  const text = readFileSync(path, 'utf8');
  const outcome: Outcome = { lines: 0, events: [], rejections: [] };
  const record = (result: ParseResult, line: number): void => {
    if (result.ok) outcome.events.push(validateApiAccessEvent(result.event));
    else outcome.rejections.push({ line, reason: result.reason });
  };
  if (path.endsWith('.json')) {
    outcome.lines = 1;
    record(parser.parseObject(JSON.parse(text), ctx), 1);
    return outcome;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => record(parser.parseLine(line, ctx), i + 1));
  outcome.lines = lines.length;
  return outcome;
}

const fixtureFiles = filesUnder(REAL_LOGS).filter((p) => !p.endsWith('SOURCES.md'));

describe('real-log fixtures', () => {
  it('finds the fixtures', () => {
    expect(fixtureFiles.length).toBeGreaterThan(50);
  });

  describe.each(fixtureFiles.map((p) => [relative(REAL_LOGS, p), p] as const))('%s', (_name, path) => {
    const named = namedFormat(path, readFileSync(path, 'utf8').split('\n', 1)[0] ?? '');
    const formats: Array<FormatName | 'auto'> = named === undefined ? ['auto'] : ['auto', named];

    it.each(formats)('every line becomes a valid event or a rejection with a known reason (%s)', (format) => {
      const outcome = run(path, format);
      expect(outcome.events.length + outcome.rejections.length).toBe(outcome.lines);
      for (const { reason } of outcome.rejections) expect(REJECTION_REASONS).toContain(reason);
    });

    const folder = relative(REAL_LOGS, path).split('/')[0];
    if ((folder === 'nginx' || folder === 'apache') && !path.endsWith('.txt')) {
      it.each(formats)('parses at least 99.9% of the lines when the file has more than 50 (%s)', (format) => {
        const outcome = run(path, format);
        if (outcome.lines > 50) expect(outcome.events.length / outcome.lines).toBeGreaterThanOrEqual(0.999);
      });
    }
  });
});

function eventsOf(file: string, format: FormatName | 'auto' = 'auto'): ApiAccessEvent[] {
  return run(join(REAL_LOGS, file), format).events;
}

describe('fields the formats carry land in the event', () => {
  it('nginx combined: time with zone, client, request, status, bytes, user agent, vhost', () => {
    const [first, , , vhost] = eventsOf('nginx/crowdsec-hub/nginx_http-logs/nginx_http-logs.log', 'nginx');
    expect(first).toEqual({
      v: 1,
      time: Date.UTC(2020, 0, 4, 7, 25, 2),
      gateway: 'nginx',
      service: '-',
      client: { ip: '192.168.1.1', key: '192.168.1.1', userAgent: 'Go-http-client/1.1' },
      request: {
        method: 'GET',
        path: '/.well-known/acme-challenge/FMuukC2JOJ5HKmLBujjE_BkDo',
        route: '/.well-known/acme-challenge/{token}',
        objectId: 'FMuukC2JOJ5HKmLBujjE_BkDo',
        protocol: 'HTTP/1.1',
      },
      response: { status: 404, bytes: 522 },
    });
    expect(vhost).toMatchObject({ service: 'www.crowdsec.net', request: { query: 'wt=json' } });
  });

  it('nginx combined: a +0100 zone and a syslog header', () => {
    expect(eventsOf('nginx/crowdsec-hub/http-admin-interface-probing/http-admin-interface-probing.log')[0]?.time).toBe(Date.UTC(2024, 0, 18, 14, 31, 16));
    expect(eventsOf('nginx/crowdsec-hub/http-bf-wordpress-bf/http-bf-wordpress-bf.log')[0]).toMatchObject({
      client: { ip: '81.150.104.130' },
      request: { method: 'POST', path: '/wp-login.php' },
      response: { status: 200, bytes: 5364 },
    });
  });

  it('Apache: escaped quotes inside the request and a -0400 zone', () => {
    const events = eventsOf('apache/honeynet-chuvakin-2004/access_log.25', 'apache');
    const xss = events.find((e) => e.request.path.includes('<script>alert("Vulnerable")'));
    expect(xss).toMatchObject({ gateway: 'apache', time: Date.UTC(2004, 3, 22, 15, 53, 29), response: { status: 404, bytes: 328 } });
  });

  it('Apache common (no referer or agent)', () => {
    expect(eventsOf('apache/crowdsec-hub/apache2-http-sensitive-files/apache2-http-sensitive-files.log', 'apache')[0]).toMatchObject({
      request: { path: '/.htpasswd' },
      response: { status: 403, bytes: 199 },
      client: { userAgent: undefined },
    });
  });

  it('Envoy text: latency, upstream time, request id, authority, client from X-Forwarded-For', () => {
    const [event] = eventsOf('envoy/elastic-integrations/test-log.log', 'envoy');
    expect(event).toMatchObject({
      time: Date.parse('2019-04-08T16:16:55.931Z'),
      service: 'localhost:8000',
      request: { method: 'GET', route: '/service/{id}', id: 'c219f6da-2b7f-483e-9ced-ec323d9330a9' },
      response: { status: 200, bytes: 89, latencyMs: 5, upstreamLatencyMs: 4 },
    });
  });

  it('Envoy JSON behind a container-runtime prefix', () => {
    const [event] = eventsOf('envoy/crowdsec-hub/envoy-logs/envoy.log', 'envoy-json');
    expect(event).toMatchObject({
      gateway: 'envoy',
      service: 'www.example.com',
      client: { ip: '10.0.0.12' },
      request: { path: '/assets/image.webp', id: '3bbc0252-2d5c-49fe-bd89-104e9b61770b', protocol: 'HTTP/2' },
      response: { status: 200, bytes: 121258, latencyMs: 11 },
    });
  });

  it('Kong: consumer id as client, latencies, service host', () => {
    const [event] = eventsOf('kong/kong-docs/log-format-gte-3.4.json', 'kong');
    expect(event).toEqual({
      v: 1,
      time: 1614232668342,
      gateway: 'kong',
      service: 'httpbin.org',
      client: { ip: '192.168.144.1', id: 'ae974d6c-0f8a-4dc5-b701-fa0aa38592bd', key: 'ae974d6c-0f8a-4dc5-b701-fa0aa38592bd', userAgent: 'HTTPie/2.4.0' },
      request: { method: 'GET', path: '/log', route: '/log' },
      response: { status: 200, bytes: 827, latencyMs: 515, upstreamLatencyMs: 457 },
    });
  });

  it('AWS API Gateway: string status and length, resourcePath as the route', () => {
    const events = eventsOf('aws-apigateway/elastic-integrations/test-apigateway-rest.log', 'aws-apigateway');
    expect(events[1]).toMatchObject({
      time: Date.UTC(2023, 6, 19, 16, 15, 46),
      client: { ip: '1.128.0.0' },
      request: { method: 'GET', route: '/pets/{petId}', id: 'caa4a500-2651-4476-aa1f-a639b858819b' },
      response: { status: 200, bytes: 49 },
    });
    expect(events[3]?.service).toBe('asad15n3p0.execute-api.us-east-1.amazonaws.com');
  });

  it('AWS ALB: path from the absolute URL, latencies in ms, trace id', () => {
    const [event] = eventsOf('aws/crowdsec-hub/aws-alb-logs/aws-alb-logs.log', 'aws-alb');
    expect(event).toMatchObject({
      time: Date.parse('2023-04-26T12:22:55.463821Z'),
      service: 'www.example.com',
      client: { ip: '192.168.1.10', userAgent: 'curl/7.46.0' },
      request: { method: 'GET', path: '/', id: 'Root=1-58337262-36d228ad5d99923122bbe354' },
      response: { status: 200, bytes: 366, latencyMs: 1, upstreamLatencyMs: 1 },
    });
  });

  it('AWS CloudFront: every line an event, host header as service, edge request id, time-taken in ms', () => {
    const file = 'aws/crowdsec-hub/aws-cloudfront-logs/aws-cloudfront-logs.log';
    const outcome = run(join(REAL_LOGS, file), 'auto');
    expect(outcome.rejections).toEqual([]);
    expect(eventsOf(file, 'aws-cloudfront')[0]).toEqual({
      v: 1,
      time: Date.UTC(2024, 2, 12, 15, 22, 28),
      gateway: 'aws-cloudfront',
      service: 'hub-cdn.crowdsec.net',
      client: { ip: '1.2.3.4', key: '1.2.3.4', userAgent: 'curl/7.81.0' },
      request: {
        method: 'GET',
        path: '/testseb',
        route: '/testseb',
        query: 'query_param=42',
        id: '375WZmnR4hhhnlZKNn0D_LvkWhAqvWvBsUqySq8f_GOoAPP3k8R8fw==',
        protocol: 'HTTP/2.0',
      },
      response: { status: 400, bytes: 703, latencyMs: 113 },
    });
  });

  it('Traefik CLF and JSON: router/service, duration', () => {
    expect(eventsOf('traefik/crowdsec-hub/traefik_clf/traefik_clf.log', 'traefik')[3]).toMatchObject({
      service: 'test@docker',
      request: { path: '/index', query: 'toto=tata' },
      response: { latencyMs: 1 },
    });
    expect(eventsOf('traefik/elastic-integrations/test-format-json.log', 'traefik-json')[1]).toMatchObject({
      gateway: 'traefik',
      client: { ip: '10.10.10.20', userAgent: 'curl/7.64.1' },
      response: { status: 200, bytes: 383, latencyMs: 0.1, upstreamLatencyMs: 2.155 },
    });
  });

  it('Traefik JSON: a ClientHost that is the X-Forwarded-For list gives its nearest hop as the client', () => {
    const listed = eventsOf('traefik/crowdsec-hub/traefik_json/traefik_json.log', 'traefik-json').find(
      (e) => e.request.path === '/_matrix/client/v3/sync',
    );
    // ClientHost "192.168.1.100,10.0.0.50": the request reached Traefik through 10.0.0.50.
    expect(listed?.client).toMatchObject({ ip: '10.0.0.50', key: '10.0.0.50' });
    const behindTrustedProxy = run(join(REAL_LOGS, 'traefik/crowdsec-hub/traefik_json/traefik_json.log'), 'traefik-json', {
      trustedProxies: ['10.0.0.0/8'],
    }).events.find((e) => e.request.path === '/_matrix/client/v3/sync');
    expect(behindTrustedProxy?.client.ip).toBe('192.168.1.100');
  });

  it('Traefik CLF: an X-Forwarded-For list as ClientHost is one field, its nearest hop the client', () => {
    const parser = createEventParser({ format: 'auto' });
    const line =
      '203.0.113.7, 10.0.0.50 - - [28/Sep/2022:13:38:04 +0000] "GET /a HTTP/1.1" 200 5 "-" "curl/8.5.0" 45640 "web@docker" "http://172.17.0.2:80" 3ms';
    const result = parser.parseLine(line, { source: 'test', receivedAt: 0 });
    expect(result.ok && result.event).toMatchObject({ gateway: 'traefik', service: 'web@docker', client: { ip: '10.0.0.50' } });
  });

  it('HAProxy: syslog header, backend as service, Tt and Tr timers', () => {
    expect(eventsOf('haproxy/elastic-integrations/test-haproxy.log', 'haproxy')[2]).toEqual({
      v: 1,
      time: Date.UTC(2009, 1, 6, 12, 14, 14, 655),
      gateway: 'haproxy',
      service: 'static',
      client: { ip: '10.0.1.2', key: '10.0.1.2' },
      request: { method: 'GET', path: '/index.html', route: '/index.html', protocol: 'HTTP/1.1' },
      response: { status: 200, bytes: 2750, latencyMs: 109, upstreamLatencyMs: 69 },
    });
  });

  it('Caddy: epoch seconds, duration seconds to ms, status 0 read as 200', () => {
    const events = eventsOf('caddy/crowdsec-hub/caddy-basic-auth-bf/caddy-logs.log', 'caddy');
    expect(events[0]).toMatchObject({ time: 1711741827962, service: 'localhost:9080', response: { status: 401, latencyMs: 0.034 } });
    expect(eventsOf('caddy/crowdsec-hub/caddy-logs/caddy-logs.log')[0]?.response.status).toBe(200);
  });
});

describe('malformed real logs', () => {
  const malformed = filesUnder(join(FIXTURES, 'real-logs-malformed'));

  it.each(malformed.map((p) => [relative(FIXTURES, p), p] as const))('%s never crashes and counts its rejections', (_name, path) => {
    const outcome = run(path, 'auto');
    expect(outcome.events.length + outcome.rejections.length).toBe(outcome.lines);
    expect(outcome.rejections.length).toBeGreaterThan(0);
    expect(outcome.events.length).toBeGreaterThan(0);
  });
});

describe('labelled real logs', () => {
  const labelled = filesUnder(join(FIXTURES, 'real-logs-labelled')).filter((p) => p.endsWith('.log'));

  it.each(labelled.map((p) => [relative(FIXTURES, p), p] as const))('%s parses or rejects every line', (_name, path) => {
    const outcome = run(path, 'auto');
    expect(outcome.events.length + outcome.rejections.length).toBe(outcome.lines);
  });

  it('the CloudFront file parses in full', () => {
    const outcome = run(join(FIXTURES, 'real-logs-labelled/crowdsec-hub/aws/aws-cloudfront-logs/aws-cloudfront-logs.log'), 'auto');
    expect(outcome.rejections).toEqual([]);
    expect(outcome.events.every((e) => e.gateway === 'aws-cloudfront')).toBe(true);
  });
});
