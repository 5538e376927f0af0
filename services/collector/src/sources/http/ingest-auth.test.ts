// POST /v1/logs against a real collector on a real HTTP port (in-process transport, no Kafka):
// repeated token failures from one address are answered 429, a valid token never is.

import { VigilHttpServer } from '@vigil/http';
import { createTelemetry } from '@vigil/telemetry';
import { InProcessTransport } from '@vigil/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../start-collector';
import { capturedLogger } from '../../../../../test/support/captured-logger';

const TOKEN = 'shipper-token-5f1c9a7e2b';
const LINE = '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /orders/1 HTTP/1.1" 200 512 "-" "curl/8"\n';
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startIngest() {
  const { logger, text } = capturedLogger('ingest-auth-test');
  const telemetry = createTelemetry('ingest-auth-test');
  const transport = new InProcessTransport();
  await transport.ensureTopics();
  // One failure a minute refills too slowly to matter within a test; nothing here depends on timing.
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry, authFailureLimit: { perMinute: 1, burst: 2 } });
  const collector = await startCollector({ transport, logger, telemetry, http, env: { VIGIL_INGEST_TOKENS: TOKEN } });
  const { port } = await http.listen();
  stops.push(() => transport.close(), () => collector.stop(), () => http.close());
  return { url: `http://127.0.0.1:${port}/v1/logs`, logs: text, metrics: async () => telemetry.renderPrometheus() };
}

function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: LINE });
}

describe('POST /v1/logs authentication failures', () => {
  it('answers 429 with Retry-After once an address has sent too many missing or wrong tokens', async () => {
    const { url, logs, metrics } = await startIngest();
    expect((await post(url)).status).toBe(401);
    expect((await post(url, { authorization: 'Bearer guess-0001' })).status).toBe(401);
    const limited = await post(url, { authorization: 'Bearer guess-0002' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: string }).error).toBe('VIGIL_RATE_LIMITED');
    expect((await post(url, { 'x-amz-firehose-access-key': 'guess-0003', 'x-amz-firehose-request-id': 'r-1' })).status).toBe(429);

    expect(await metrics()).toContain('vigil_http_auth_failures_limited_total 2');
    expect(logs()).toContain('refused with 429');
    expect(logs()).not.toMatch(/guess-000/);
  });

  it('keeps accepting a valid token from an address that is over the limit, as a shipper behind the same NAT', async () => {
    const { url } = await startIngest();
    for (const guess of ['a', 'b', 'c']) await post(url, { authorization: `Bearer guess-${guess}` });
    expect((await post(url, { authorization: 'Bearer guess-d' })).status).toBe(429);

    const valid = await post(url, { authorization: `Bearer ${TOKEN}` });
    expect(valid.status).toBe(200);
    expect(((await valid.json()) as { accepted: number }).accepted).toBe(1);
    expect((await post(url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // And the valid requests bought the address no more failures.
    expect((await post(url, { authorization: 'Bearer guess-e' })).status).toBe(429);
  });
});
