import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { createEventParser } from '../event-parser';
import type { ParseResult } from '../types';

const ctx = { source: 'test', receivedAt: 0 };

function eventOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.reason} (${result.detail ?? ''})`);
  return validateApiAccessEvent(result.event);
}

/** An HTTP API access log in the JSON format AWS's docs suggest, plus `path` and the latencies. */
const httpApi = (routeKey: string, path?: string) => ({
  requestId: 'Ks3wFgYfoAMEa4Q=',
  ip: '198.51.100.3',
  requestTime: '12/Mar/2024:15:22:28 +0000',
  httpMethod: 'GET',
  routeKey,
  ...(path === undefined ? {} : { path }),
  status: '200',
  protocol: 'HTTP/1.1',
  responseLength: '10',
  integrationLatency: '45',
  responseLatency: '48',
});

describe('aws-apigateway', () => {
  const parser = createEventParser({ format: 'aws-apigateway' });

  it('keeps the route key as the route, the latencies in ms', () => {
    expect(eventOf(parser.parseObject(httpApi('GET /pets/{petId}', '/pets/7'), ctx))).toMatchObject({
      time: Date.UTC(2024, 2, 12, 15, 22, 28),
      client: { ip: '198.51.100.3' },
      request: { method: 'GET', path: '/pets/7', route: '/pets/{petId}', id: 'Ks3wFgYfoAMEa4Q=' },
      response: { status: 200, bytes: 10, latencyMs: 48, upstreamLatencyMs: 45 },
    });
  });

  it('templates the path of a catch-all route ($default, {proxy+}) instead of naming every request after it', () => {
    expect(eventOf(parser.parseObject(httpApi('$default', '/v1/users/42'), ctx)).request).toMatchObject({ route: '/v1/users/{id}', objectId: '42' });
    expect(eventOf(parser.parseObject(httpApi('ANY /api/{proxy+}', '/api/orders/9'), ctx)).request.route).toBe('/api/orders/{id}');
    expect(eventOf(parser.parseObject(httpApi('$default'), ctx)).request.route).toBe('$default');
  });
});
