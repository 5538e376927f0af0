// The silence API on a real HTTP server, with the store as its only state (saving to silences.v1 is
// covered against a real broker in test/integration/alerter/silences.test.ts).

import { TokenBucketLimiter, VigilHttpServer, type VigilHttpServerOptions } from '@vigil/http';
import { createTelemetry } from '@vigil/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { capturedLogger } from '../../../../test/support/captured-logger';
import { registerSilenceApi } from './silence-api';
import { SilenceStore } from './silence-store';

const TOKEN = 'adm-unit-token-1';
const NOW = Date.UTC(2026, 10, 29, 12);
const running: VigilHttpServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function startApi(options: Partial<VigilHttpServerOptions> = {}) {
  const { logger, warnings } = capturedLogger('silence-api-test');
  const server = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry: createTelemetry('silence-api-test'), ...options });
  const store = new SilenceStore();
  registerSilenceApi(server, {
    store,
    save: async (silence) => store.put(silence, NOW),
    remove: async (id) => void store.remove(id),
    adminTokens: [TOKEN],
    limiter: new TokenBucketLimiter({ ratePerSecond: 100, burst: 100 }),
    clock: () => NOW,
    logger,
  });
  running.push(server);
  const { port } = await server.listen();
  return { base: `http://127.0.0.1:${port}`, store, warnings };
}

function call(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('silence API', () => {
  it('answers 429 once one address has sent too many wrong admin tokens, and still takes a valid one from it', async () => {
    // One failure a minute refills too slowly to matter within a test; nothing here depends on timing.
    const { base } = await startApi({ authFailureLimit: { perMinute: 1, burst: 1 } });
    const guess = () => fetch(`${base}/v1/silences`, { headers: { authorization: 'Bearer adm-guess' } });
    expect((await guess()).status).toBe(401);
    const limited = await guess();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect((await call(base, 'GET', '/v1/silences')).status).toBe(200);
  });

  it('creates a silence and deletes it by its id', async () => {
    const { base, store } = await startApi();
    const created = await call(base, 'POST', '/v1/silences', { matchers: { detector: 'traffic-spike' }, durationSeconds: 600 });
    expect(created.status).toBe(201);
    const { silence } = (await created.json()) as { silence: { id: string } };
    expect(store.active(NOW).map((s) => s.id)).toEqual([silence.id]);
    const deleted = await call(base, 'DELETE', `/v1/silences/${encodeURIComponent(silence.id)}`);
    expect(deleted.status).toBe(200);
    expect(store.active(NOW)).toEqual([]);
  });

  it('answers an id that is not valid percent-encoding with 400, not a server error', async () => {
    const { base, warnings } = await startApi();
    const response = await call(base, 'DELETE', '/v1/silences/%zz');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'VIGIL_CONTRACT_INVALID' });
    expect(warnings()).toEqual([]);
  });
});
